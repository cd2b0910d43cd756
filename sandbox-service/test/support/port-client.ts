/**
 * Requests to learners' port origins (`http://<sandbox>-<port>.ports.localhost:<port>/…`)
 * as a browser sends them, from Node: names under *.localhost resolve to loopback only in
 * browsers, so these connect to the service on 127.0.0.1 and send the origin as Host.
 */
import { request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";

export interface PortAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function options(url: string, headers: OutgoingHttpHeaders) {
  const target = new URL(url);
  return { host: "127.0.0.1", port: Number(target.port || 80), path: `${target.pathname}${target.search}`, headers: { host: target.host, ...headers } };
}

/** An HTTP answer read to its end, as text. */
function readAnswer(res: IncomingMessage, resolve: (answer: PortAnswer) => void): void {
  let body = "";
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => (body += chunk));
  res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

/** A GET, redirects not followed. */
export function portGet(url: string, headers: OutgoingHttpHeaders = {}): Promise<PortAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(options(url, headers), (res) => readAnswer(res, resolve));
    req.on("error", reject);
    req.end();
  });
}

export type UpgradeAnswer =
  | { status: 101; headers: IncomingHttpHeaders; socket: Duplex; head: Buffer }
  | { status: number; headers: IncomingHttpHeaders; body: string };

/** A WebSocket handshake: the 101 with the upgraded stream, or the refusal with its body. */
export function portUpgrade(url: string, headers: OutgoingHttpHeaders = {}): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      options(url, {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...headers,
      }),
    );
    req.on("upgrade", (res, socket, head) => resolve({ status: 101, headers: res.headers, socket, head }));
    req.on("response", (res) => readAnswer(res, resolve));
    req.on("error", reject);
    req.end();
  });
}

/** Reads a stream until `predicate` holds for what arrived so far. */
export function readUntil(socket: Duplex, first: Buffer, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = first.toString("utf8");
    if (predicate(text)) return resolve(text);
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (predicate(text)) {
        socket.off("data", onData);
        resolve(text);
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("end", () => reject(new Error(`stream ended; received: ${text}`)));
  });
}
