/**
 * Opens a port of a learner's sandbox in their browser, on an origin of its own per
 * sandbox and port (`port-origin.ts`): `http://3fa2c1d4e5f6-5000.ports.localhost:4000/…` is
 * proxied (HTTP and WebSocket) to that port on the sandbox's loopback, although the
 * sandbox has no network: every connection is a `socat` inside it (engine.connect).
 *
 * Access: the lesson page asks for a link over its authenticated socket and gets a grant
 * valid for one minute and for one use (`single-use-grants.ts`); following it sets an
 * HTTP-only, host-only cookie for that origin, checked on every request against the
 * sandbox's current owner. Anyone else gets a 403 page, and a leaked link opens nothing.
 *
 * The app is hostile to whoever visits it: no cookie or credential of the visitor reaches
 * it, and it can set none of the platform's (`app-headers.ts`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpRequest } from "node:http";
import type { Duplex } from "node:stream";
import { PORT_ACCESS_COOKIE } from "../../../shared/cookies";
import { newPortGrantNonce, signPortGrant, signPortSession, verifyPortGrant, verifyPortSession } from "../../../shared/token";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../user-facing-error";
import type { Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";
import { appRequestHeaders, browserRawHeaders, browserResponseHeaders } from "./app-headers";
import { isPortHost, portAddressOf, portOrigin, reachableFrom, shortIdOf, type PortOriginSettings } from "./port-origin";
import { SingleUseGrants } from "./single-use-grants";

const GRANT_PARAM = "dojo-grant";
/** Long enough to open a tab and follow a redirect on a slow machine; a leaked link is useless after it (and after its first use anyway). */
const GRANT_SECONDS = 60;

interface Target {
  sandbox: Sandbox;
  port: number;
  /** Path and query to forward (the request's own, as sent), and the grant it carried. */
  path: string;
  grant: string | null;
}

/** A small HTML page with one sentence: what every refusal of the proxy looks like. */
export function sentencePage(res: ServerResponse, status: number, title: string, sentence: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto"><h1>${title}</h1><p>${sentence}</p></body>`);
}

/** Answers an upgrade request (raw socket) with a status and a sentence, then closes it. */
export function refuseUpgrade(socket: Duplex, status: string, sentence: string): void {
  const body = `${sentence}\n`;
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** Every value of the named cookie in a Cookie header (a sibling origin may have set one for the parent domain, next to ours). */
function cookieValues(header: string | undefined, name: string): string[] {
  const values: string[] = [];
  for (const part of (header ?? "").split(";")) {
    const equals = part.indexOf("=");
    if (equals > 0 && part.slice(0, equals).trim() === name) values.push(part.slice(equals + 1).trim());
  }
  return values;
}

/** The request's path and query without the grant parameter (only ever changed when a grant is there). */
function withoutGrant(path: string): { path: string; grant: string | null } {
  const queryAt = path.indexOf("?");
  if (queryAt < 0) return { path, grant: null };
  const params = new URLSearchParams(path.slice(queryAt + 1));
  const grant = params.get(GRANT_PARAM);
  if (grant === null) return { path, grant: null };
  params.delete(GRANT_PARAM);
  const search = params.toString();
  return { path: `${path.slice(0, queryAt)}${search ? `?${search}` : ""}`, grant };
}

export class PortProxy {
  private readonly grants: SingleUseGrants;
  /** Visitors' sockets of relayed upgrades: a stopping service ends them (they would keep its server open). */
  private readonly upgraded = new Set<Duplex>();

  constructor(
    private readonly engine: SandboxEngine,
    private readonly manager: SandboxManager,
    private readonly secret: string,
    private readonly origins: PortOriginSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.grants = new SingleUseGrants(now);
  }

  /**
   * A one-minute, one-use link to `port` of the learner's sandbox. `viewerHost` is the Host
   * the learner's browser reached the service by: a browser that cannot resolve the port
   * origins is told so instead of getting a link that fails.
   */
  link(sandbox: Sandbox, port: number, viewerHost: string | undefined): string {
    if (!reachableFrom(this.origins.baseDomain, viewerHost)) {
      throw new UserFacingError(
        "forbidden",
        `Ports open on addresses under ${this.origins.baseDomain}, which only work in a browser on the platform's own machine. Ask the platform's operator to set PORTS_BASE_DOMAIN; meanwhile, try your app with curl localhost:${port} in the terminal.`,
      );
    }
    const grant = signPortGrant(
      { sandboxId: sandbox.id, port, sub: sandbox.owner.learner, exp: Math.floor(this.now() / 1000) + GRANT_SECONDS, nonce: newPortGrantNonce() },
      this.secret,
    );
    return `${portOrigin(this.origins, sandbox.id, port)}/?${GRANT_PARAM}=${encodeURIComponent(grant)}`;
  }

  /** Whether a request (by its Host) is for a port origin: then it is the proxy's, never the platform's. */
  owns(req: IncomingMessage): boolean {
    return isPortHost(this.origins.baseDomain, req.headers.host);
  }

  /** Ends every relayed WebSocket (the service is stopping). */
  close(): void {
    for (const socket of this.upgraded) socket.destroy();
  }

  /** Handles a request the proxy owns. */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = this.target(req);
    if (target === "bad_path") return sentencePage(res, 400, "Bad request", "This address does not name a page.");
    if (!target) {
      return sentencePage(res, 404, "No such sandbox", "This sandbox does not exist any more. Open the link again from your lesson page.");
    }
    if (target.grant !== null) return this.redeem(req, res, target);
    if (!this.allowed(req, target)) {
      return sentencePage(res, 403, "Not your sandbox", "This address belongs to a learner's sandbox. Open it with the link on your lesson page.");
    }
    void this.forward(req, res, target);
  }

  /** Handles a WebSocket (or other) upgrade the proxy owns. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const target = this.target(req);
    if (!target || target === "bad_path") return refuseUpgrade(socket, "404 Not Found", "This sandbox does not exist any more. Open the link again from your lesson page.");
    if (!this.allowed(req, target)) return refuseUpgrade(socket, "403 Forbidden", "This address belongs to a learner's sandbox. Open it with the link on your lesson page.");
    void this.forwardUpgrade(req, socket, head, target);
  }

  /** null: no such sandbox or port address; "bad_path": not an origin-form request target. */
  private target(req: IncomingMessage): Target | "bad_path" | null {
    const address = portAddressOf(this.origins.baseDomain, req.headers.host);
    if (!address) return null;
    const url = req.url ?? "";
    // Absolute-form ("http://other/…") and "*" targets are for proxies and OPTIONS, never an app's page.
    if (!url.startsWith("/")) return "bad_path";
    const sandbox = this.manager.list().find((s) => shortIdOf(s.id) === address.shortId);
    if (!sandbox) return null;
    return { sandbox, port: address.port, ...withoutGrant(url) };
  }

  /** A valid, unused grant becomes an access cookie for this origin, then a redirect to the clean address. */
  private redeem(req: IncomingMessage, res: ServerResponse, target: Target): void {
    const grant = verifyPortGrant(target.grant, this.secret, this.now());
    if (!grant || grant.sandboxId !== target.sandbox.id || grant.port !== target.port || grant.sub !== target.sandbox.owner.learner) {
      return sentencePage(res, 403, "This link has expired", "Links to your sandbox's ports work for one minute. Open it again from your lesson page.");
    }
    const redemption = this.grants.redeem(grant);
    if (redemption === "too_many") {
      return sentencePage(res, 429, "Too many links at once", "This sandbox's port links were opened too many times in the last minute. Wait a minute, then open it again from your lesson page.");
    }
    if (redemption === "already_used") {
      // The visitor who used it, coming back (a reload of the link): they already have access.
      if (this.allowed(req, target)) return this.redirect(res, target.path);
      this.log.warn("port link used a second time", { sandbox: shortIdOf(target.sandbox.id), port: target.port });
      return sentencePage(res, 403, "This link has already been used", "Each link to a sandbox's port opens once, for the learner who clicked it. Open it again from your lesson page.");
    }
    const session = signPortSession(
      { sandboxId: grant.sandboxId, port: grant.port, sub: grant.sub, exp: Math.floor(target.sandbox.expiresAt.getTime() / 1000) },
      this.secret,
    );
    // Host-only (no Domain): sibling origins (other learners' apps) never receive it.
    const secure = this.origins.scheme === "https" ? "; Secure" : "";
    this.redirect(res, target.path, `${PORT_ACCESS_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax${secure}`);
  }

  private redirect(res: ServerResponse, location: string, cookie?: string): void {
    res.writeHead(302, { location, "cache-control": "no-store", ...(cookie ? { "set-cookie": cookie } : {}) });
    res.end();
  }

  /** Whether the visitor holds an access cookie for this sandbox and port, of the sandbox's current owner. */
  private allowed(req: IncomingMessage, target: Target): boolean {
    return cookieValues(req.headers.cookie, PORT_ACCESS_COOKIE).some((value) => {
      const access = verifyPortSession(value, this.secret, this.now());
      return access !== null && access.sandboxId === target.sandbox.id && access.port === target.port && access.sub === target.sandbox.owner.learner;
    });
  }

  /** Headers the app receives: the visitor's minus credentials, the Host it would see from inside the sandbox, and where the visitor really was. */
  private appHeaders(req: IncomingMessage, target: Target) {
    return appRequestHeaders(req.headers, {
      host: `127.0.0.1:${target.port}`,
      "x-forwarded-host": req.headers.host ?? "",
      "x-forwarded-proto": this.origins.scheme,
    });
  }

  /** An absolute redirect to the app's own loopback address, as the visitor should follow it. */
  private publicLocation(location: string | undefined, target: Target): string | undefined {
    const loopback = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?(?=\/|$)/i.exec(location ?? "");
    if (!location || !loopback || Number(loopback[2]?.slice(1) ?? 80) !== target.port) return location;
    return `${portOrigin(this.origins, target.sandbox.id, target.port)}${location.slice(loopback[0].length) || "/"}`;
  }

  private async connect(target: Target): Promise<Duplex | null> {
    try {
      return await this.engine.connect(target.sandbox.id, target.port);
    } catch (error) {
      this.log.warn("port proxy could not reach the sandbox", { port: target.port, error });
      return null;
    }
  }

  private async forward(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
    const nothingListening = () =>
      sentencePage(res, 502, `Nothing on port ${target.port} yet`, `Nothing answers on port ${target.port} in your sandbox. Start your app (or publish the container's port), then reload this page.`);
    const upstream = await this.connect(target);
    if (!upstream) return nothingListening();
    // One upstream connection (a socat in the sandbox) per request: ended with the answer, or when the visitor goes.
    res.once("close", () => upstream.destroy());
    const proxied = httpRequest({ method: req.method, path: target.path, headers: this.appHeaders(req, target), createConnection: () => upstream }, (answer) => {
      const headers = browserResponseHeaders(answer.headers);
      const location = this.publicLocation(answer.headers.location, target);
      if (location) headers.location = location;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    proxied.on("error", () => {
      upstream.destroy();
      if (!res.headersSent) nothingListening();
      else res.destroy();
    });
    req.pipe(proxied);
  }

  /**
   * A WebSocket handshake relayed through Node's HTTP client, so the app's answer is parsed
   * and filtered like any response (its 101 may carry Set-Cookie too) before the two
   * streams are joined.
   */
  private async forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: Target): Promise<void> {
    const upstream = await this.connect(target);
    if (!upstream) return refuseUpgrade(socket, "502 Bad Gateway", `Nothing answers on port ${target.port} in your sandbox.`);
    if (socket.destroyed) return void upstream.destroy();
    this.upgraded.add(socket);
    socket.once("close", () => {
      this.upgraded.delete(socket);
      upstream.destroy();
    });
    const statusLine = (code: number | undefined, message: string | undefined) => `HTTP/1.1 ${code ?? 502} ${message ?? ""}\r\n`;
    const lines = (raw: string[]) => raw.map((part, i) => (i % 2 === 0 ? `${part}: ` : `${part}\r\n`)).join("");
    const proxied = httpRequest({ method: req.method, path: target.path, headers: this.appHeaders(req, target), createConnection: () => upstream });
    let answered = false;
    proxied.on("upgrade", (answer, appSocket, appHead) => {
      answered = true;
      socket.write(`${statusLine(answer.statusCode, answer.statusMessage)}${lines(browserRawHeaders(answer.rawHeaders))}\r\n`);
      if (appHead.length) socket.write(appHead);
      if (head.length) appSocket.write(head);
      appSocket.on("error", () => socket.destroy());
      appSocket.pipe(socket).pipe(appSocket);
    });
    // The app declined the upgrade: relay its answer (filtered), then close.
    proxied.on("response", (answer) => {
      answered = true;
      const raw = browserRawHeaders(answer.rawHeaders).filter(
        (_, i, all) => !["transfer-encoding", "content-length", "connection", "keep-alive"].includes(all[i - (i % 2)]!.toLowerCase()),
      );
      socket.write(`${statusLine(answer.statusCode, answer.statusMessage)}${lines(raw)}connection: close\r\n\r\n`);
      answer.pipe(socket);
    });
    proxied.on("error", () => {
      upstream.destroy();
      if (answered) return void socket.destroy();
      refuseUpgrade(socket, "502 Bad Gateway", `The app on port ${target.port} gave an answer the platform cannot pass on.`);
    });
    proxied.end();
  }
}
