/**
 * The web app's process: Next.js behind a plain Node HTTP server, so that a request's
 * client address is decided here, from the connection, before Next.js sees the request.
 * (`next start` keeps whatever X-Forwarded-For a client sends, and route handlers never
 * see the connection, so per-address limits could be dodged by writing that header.)
 *
 *   tsx scripts/web-server.ts [production|development]
 */
import { createServer } from "node:http";
import next from "next";
import { trustForwarding } from "../lib/client-address";
import { ConfigError, ensureSecret, webConfig } from "../shared/config";

const dev = process.argv[2] === "development";
let settings;
try {
  ensureSecret();
  settings = webConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
const { PORT, TRUSTED_PROXY_HOPS } = settings;

const app = next({ dev, port: PORT });
await app.prepare();
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();

const server = createServer((req, res) => {
  trustForwarding(req.headers, req.socket.remoteAddress, TRUSTED_PROXY_HOPS);
  void handle(req, res);
});
// Development's hot reload talks over a WebSocket.
server.on("upgrade", (req, socket, head) => {
  trustForwarding(req.headers, req.socket.remoteAddress, TRUSTED_PROXY_HOPS);
  void upgrade(req, socket, head);
});
server.listen(PORT, () => {
  console.log(`web app listening on port ${PORT} (${dev ? "development" : "production"}; trusted proxies: ${TRUSTED_PROXY_HOPS})`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
