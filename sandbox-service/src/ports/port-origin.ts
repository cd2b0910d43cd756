/**
 * Where a learner's published port opens in the browser: an origin of its own per sandbox
 * and port, `http://3fa2c1d4e5f6-5000.ports.localhost:4000`. A page there is another site
 * than the platform's, so it can neither read the platform's cookies nor script the lesson
 * page, and one learner's app is another origin than the next learner's. The proxy routes
 * by the Host header the browser sends.
 */

export interface PortOriginSettings {
  /** `ports.localhost`, or an operator's wildcard domain (PORTS_BASE_DOMAIN). */
  baseDomain: string;
  scheme: "http" | "https";
  /** The port browsers use (PORTS_PUBLIC_PORT, else the service's own). */
  port: () => number;
}

/** Which sandbox and port a port origin names: the first 12 characters of the sandbox id. */
export interface PortAddress {
  shortId: string;
  port: number;
}

const LABEL = /^([a-f0-9]{12})-([1-9][0-9]{0,4})$/;

/** The sandbox's short id as it appears in addresses. */
export function shortIdOf(sandboxId: string): string {
  return sandboxId.slice(0, 12);
}

/** The origin (no trailing slash) where `port` of the sandbox opens. */
export function portOrigin(settings: PortOriginSettings, sandboxId: string, port: number): string {
  const publicPort = settings.port();
  const defaultPort = settings.scheme === "https" ? 443 : 80;
  return `${settings.scheme}://${shortIdOf(sandboxId)}-${port}.${settings.baseDomain}${publicPort === defaultPort ? "" : `:${publicPort}`}`;
}

/** The host name of a Host header: lowercase, without port or trailing dot; IPv6 literals keep their brackets. */
export function hostnameOf(host: string | undefined): string {
  const value = (host ?? "").trim().toLowerCase();
  const name = value.startsWith("[") ? value.slice(0, value.indexOf("]") + 1) : value.split(":")[0]!;
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** Whether a request's Host is under the base domain, so it is the proxy's and never the platform's. */
export function isPortHost(baseDomain: string, host: string | undefined): boolean {
  return hostnameOf(host).endsWith(`.${baseDomain}`);
}

/**
 * The sandbox and port a Host header names, or null when it is under the base domain but
 * names none (a malformed label, port 0 or over 65535, leading zeros: one origin per port).
 */
export function portAddressOf(baseDomain: string, host: string | undefined): PortAddress | null {
  const hostname = hostnameOf(host);
  if (!hostname.endsWith(`.${baseDomain}`)) return null;
  const match = LABEL.exec(hostname.slice(0, -baseDomain.length - 1));
  if (!match) return null;
  const port = Number(match[2]);
  return port <= 65535 ? { shortId: match[1]!, port } : null;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === "[::1]";
}

/**
 * Whether a browser that reached the service as `viewerHost` can open the port origins.
 * `*.localhost` always means the browser's own machine: a learner in a workshop room who
 * reached the platform by its LAN address would open their own loopback instead.
 */
export function reachableFrom(baseDomain: string, viewerHost: string | undefined): boolean {
  const local = baseDomain === "localhost" || baseDomain.endsWith(".localhost");
  return !local || isLoopback(hostnameOf(viewerHost));
}
