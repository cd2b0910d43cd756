/**
 * Who a request comes from, for per-address limits. Only a proxy the operator configured
 * (TRUSTED_PROXY_HOPS) is believed: without one, X-Forwarded-For and its friends are the
 * client's own words, and a client that could choose its address would dodge every limit.
 *
 * The web server (scripts/web-server.ts) applies `trustForwarding` to every request before
 * Next.js sees it, so route handlers can read the client from X-Forwarded-For
 * (`clientAddress`) and the page's host and scheme from X-Forwarded-Host / -Proto.
 */
import type { IncomingHttpHeaders } from "node:http";
import { isIPv4, isIPv6 } from "node:net";

/** Headers through which a proxy speaks for the client; from anyone else they are forgeries. */
export const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"] as const;

/**
 * The client of a request that arrived from `socketAddress` with `forwardedFor`
 * (X-Forwarded-For), when `trustedHops` proxies in front of us each append the address
 * they were reached from. Whatever a client wrote itself sits left of those entries.
 */
export function forwardedClient(socketAddress: string, forwardedFor: string | undefined, trustedHops: number): string {
  if (trustedHops === 0) return socketAddress;
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean),
    socketAddress,
  ];
  return chain[Math.max(0, chain.length - 1 - trustedHops)]!;
}

/**
 * Rewrites a request's headers in place so that X-Forwarded-For holds exactly its client.
 * Without trusted proxies every forwarding header is removed (Next.js then fills
 * X-Forwarded-Host and -Proto in from the connection itself); behind them, the proxies'
 * X-Forwarded-Host and -Proto stand, and the headers we do not read (Forwarded, X-Real-IP) go.
 */
export function trustForwarding(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustedHops: number): void {
  const sent = headers["x-forwarded-for"];
  const client = forwardedClient(socketAddress ?? "unknown", Array.isArray(sent) ? sent.join(",") : sent, trustedHops);
  const untrusted = trustedHops === 0 ? FORWARDING_HEADERS : (["forwarded", "x-real-ip"] as const);
  for (const name of untrusted) delete headers[name];
  headers["x-forwarded-for"] = client;
}

/**
 * The key per-address limits count under: an IPv4 address as it is (an IPv4-mapped IPv6
 * address is the same client), an IPv6 address by its /64 network, since one subscriber
 * is usually given a whole /64 and could otherwise take a fresh address per request.
 */
export function addressKey(address: string): string {
  const plain = address.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = plain.replace(/^::ffff:/i, "");
  if (isIPv4(v4)) return v4;
  if (isIPv6(plain)) return `${firstGroups(plain, 4).join(":")}::/64`;
  return plain.slice(0, 64) || "unknown";
}

function firstGroups(v6: string, count: number): string[] {
  const [head = "", tail] = v6.split("::");
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  // An embedded IPv4 address (a.b.c.d) takes two groups at the end.
  const backGroups = back.reduce((n, group) => n + (group.includes(".") ? 2 : 1), 0);
  const groups = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - backGroups).fill("0"), ...back];
  return groups.slice(0, count).map((group) => parseInt(group, 16).toString(16));
}

/** The limit key of a request's client (see trustForwarding, which the web server applied). */
export function clientAddress(headers: Headers): string {
  return addressKey(headers.get("x-forwarded-for")?.split(",")[0] ?? "");
}
