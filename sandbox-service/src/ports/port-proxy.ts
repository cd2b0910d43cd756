/**
 * Opens a port of a learner's sandbox in their browser: `/ports/<sandbox>/<port>/…` on the
 * sandbox service is proxied (HTTP and WebSocket) to that port on the sandbox's loopback,
 * although the sandbox has no network: every connection is a `socat` inside it
 * (engine.connect).
 *
 * Access: the lesson page asks for a link over its authenticated socket and gets a grant
 * valid for one minute; following it sets an HTTP-only cookie for that sandbox and port
 * only, checked on every request against the sandbox's current owner. Anyone else gets a
 * 403 page, and a leaked link stops working within a minute.
 *
 * Apps are served under the path prefix (with X-Forwarded-Prefix); an app that links to
 * absolute paths (`/static/…`) needs to honour that prefix.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpRequest } from "node:http";
import type { Duplex } from "node:stream";
import { signPortAccess, verifyPortAccess } from "../../../shared/token";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import type { Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";

const PATH = /^\/ports\/([a-f0-9]{12})\/(\d{1,5})(\/[^?]*)?(\?.*)?$/;
const GRANT_PARAM = "dojo-grant";
const COOKIE = "dojo_port";
const GRANT_SECONDS = 60;

interface Target {
  sandbox: Sandbox;
  port: number;
  prefix: string;
  /** Path and query to forward, without the prefix and without the grant. */
  forwardPath: string;
  grant: string | null;
}

function page(res: ServerResponse, status: number, title: string, sentence: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto"><h1>${title}</h1><p>${sentence}</p></body>`);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

export class PortProxy {
  constructor(
    private readonly engine: SandboxEngine,
    private readonly manager: SandboxManager,
    private readonly secret: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The path (on the sandbox service) of a one-minute link to `port` of the learner's sandbox. */
  link(sandbox: Sandbox, port: number): string {
    const grant = signPortAccess(
      { sandboxId: sandbox.id, port, sub: sandbox.owner.learner, exp: Math.floor(this.now() / 1000) + GRANT_SECONDS },
      "grant",
      this.secret,
    );
    return `/ports/${sandbox.id.slice(0, 12)}/${port}/?${GRANT_PARAM}=${encodeURIComponent(grant)}`;
  }

  /** Handles a /ports/ request; false when the path is not ours. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const target = this.target(req.url);
    if (target === undefined) return false;
    if (target === null) {
      page(res, 404, "No such sandbox", "This sandbox does not exist any more. Open the link again from your lesson page.");
      return true;
    }
    if (target.grant !== null) {
      this.redeem(target, res);
      return true;
    }
    if (!this.allowed(req, target)) {
      page(res, 403, "Not your sandbox", "This address belongs to a learner's sandbox. Open it with the link on your lesson page.");
      return true;
    }
    void this.forward(req, res, target);
    return true;
  }

  /** Handles a WebSocket upgrade under /ports/; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const target = this.target(req.url);
    if (target === undefined) return false;
    if (!target || !this.allowed(req, target)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n");
      return true;
    }
    void (async () => {
      try {
        const upstream = await this.engine.connect(target.sandbox.id, target.port);
        const headers = Object.entries({ ...req.headers, host: `127.0.0.1:${target.port}`, "x-forwarded-prefix": target.prefix })
          .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : value === undefined ? [] : [`${name}: ${value}`]))
          .join("\r\n");
        upstream.write(`${req.method} ${target.forwardPath} HTTP/1.1\r\n${headers}\r\n\r\n`);
        if (head.length) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
        upstream.on("error", () => socket.destroy());
        socket.on("error", () => upstream.destroy());
      } catch {
        socket.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n");
      }
    })();
    return true;
  }

  /** undefined: not a /ports/ path; null: no such sandbox. */
  private target(url: string | undefined): Target | null | undefined {
    const match = PATH.exec(url ?? "");
    if (!match) return undefined;
    const [, shortId, portText, rest, query] = match;
    const port = Number(portText);
    const sandbox = this.manager.list().find((s) => s.id.startsWith(shortId!));
    if (!sandbox || port < 1 || port > 65535) return null;
    const params = new URLSearchParams(query ?? "");
    const grant = params.get(GRANT_PARAM);
    params.delete(GRANT_PARAM);
    const search = params.toString();
    return { sandbox, port, prefix: `/ports/${shortId}/${port}`, forwardPath: `${rest ?? "/"}${search ? `?${search}` : ""}`, grant };
  }

  /** A valid grant becomes a cookie for this sandbox and port, then a redirect to the clean address. */
  private redeem(target: Target, res: ServerResponse): void {
    const access = verifyPortAccess(target.grant, "grant", this.secret, this.now());
    if (!access || access.sandboxId !== target.sandbox.id || access.port !== target.port || access.sub !== target.sandbox.owner.learner) {
      page(res, 403, "This link has expired", "Links to your sandbox's ports work for one minute. Open it again from your lesson page.");
      return;
    }
    const session = signPortAccess({ ...access, exp: Math.floor(target.sandbox.expiresAt.getTime() / 1000) }, "session", this.secret);
    res.writeHead(302, {
      location: `${target.prefix}${target.forwardPath}`,
      "set-cookie": `${COOKIE}=${session}; Path=${target.prefix}/; HttpOnly; SameSite=Lax`,
      "cache-control": "no-store",
    });
    res.end();
  }

  private allowed(req: IncomingMessage, target: Target): boolean {
    const access = verifyPortAccess(cookieValue(req.headers.cookie, COOKIE), "session", this.secret, this.now());
    return access !== null && access.sandboxId === target.sandbox.id && access.port === target.port && access.sub === target.sandbox.owner.learner;
  }

  private async forward(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
    const nothingListening = () =>
      page(res, 502, `Nothing on port ${target.port} yet`, `Nothing answers on port ${target.port} in your sandbox. Start your app (or publish the container's port), then reload this page.`);
    let upstream: Duplex;
    try {
      upstream = await this.engine.connect(target.sandbox.id, target.port);
    } catch (error) {
      this.log.warn("port proxy could not reach the sandbox", { port: target.port, error });
      return nothingListening();
    }
    const headers = { ...req.headers, host: `127.0.0.1:${target.port}`, "x-forwarded-prefix": target.prefix };
    delete headers.cookie;
    const proxied = httpRequest(
      { method: req.method, path: target.forwardPath, headers, createConnection: () => upstream },
      (answer) => {
        const location = answer.headers.location;
        // Keep redirects inside the prefix.
        if (location?.startsWith("/")) answer.headers.location = `${target.prefix}${location}`;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on("error", () => {
      upstream.destroy();
      if (!res.headersSent) nothingListening();
      else res.destroy();
    });
    req.pipe(proxied);
  }
}
