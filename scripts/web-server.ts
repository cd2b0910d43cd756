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
import { createLogger, webLog } from "../lib/log";
import { ConfigError, ensureSecret, webConfig } from "../shared/config";

const dev = process.argv[2] === "development";
let settings;
try {
  ensureSecret();
  settings = webConfig();
} catch (error) {
  // The configuration is what failed, so LOG_FORMAT is read as given (anything but json: text).
  const startupLog = createLogger(process.env.LOG_FORMAT === "json" ? "json" : "text");
  if (error instanceof ConfigError) startupLog.error(error.message);
  else startupLog.error("could not read the configuration", { error });
  process.exit(2);
}
const { PORT, TRUSTED_PROXY_HOPS } = settings;
const log = webLog();

const app = next({ dev, port: PORT });
try {
  await app.prepare();
} catch (error) {
  log.error(`the web app could not start (${dev ? "development" : "production: built with npm run build?"})`, { error });
  process.exit(1);
}
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();

const server = createServer((req, res) => {
  trustForwarding(req.headers, req.socket.remoteAddress, TRUSTED_PROXY_HOPS);
  handle(req, res).catch((error: unknown) => {
    log.error("a request failed outside any page", { method: req.method, path: req.url?.split("?")[0], error });
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
// Development's hot reload talks over a WebSocket.
server.on("upgrade", (req, socket, head) => {
  trustForwarding(req.headers, req.socket.remoteAddress, TRUSTED_PROXY_HOPS);
  upgrade(req, socket, head).catch((error: unknown) => {
    log.error("a WebSocket upgrade failed", { path: req.url?.split("?")[0], error });
    socket.destroy();
  });
});
server.on("error", (error) => {
  log.error(`the web app cannot listen on port ${PORT}`, { error });
  process.exit(1);
});
server.listen(PORT, () => {
  log.info(`web app listening on port ${PORT}`, { mode: dev ? "development" : "production", trustedProxies: TRUSTED_PROXY_HOPS });
});

const stop = (signal: string) => {
  log.info(`${signal}: stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGINT", () => stop("SIGINT"));
process.once("SIGTERM", () => stop("SIGTERM"));
