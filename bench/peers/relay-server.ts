/**
 * The relay: the least a process between the browser and Docker can cost. A separate Node
 * process that, for each TCP connection, opens the template's shell in a container
 * (DockerEngine.openTty, as the service does) and copies bytes both ways: no WebSocket
 * framing, no protocol, no validation, no scrollback, no flow control. The platform must
 * have such a process (the browser never talks to Docker), so the floor plus this hop is
 * a lower bound of the platform's echo; a browser cannot speak bare TCP, so what the
 * platform takes above the relay is its transport (a WebSocket, socket.io) and protocol.
 *
 * Protocol: the client sends the container id and a newline, then keystrokes; it receives
 * the shell's output. Started by relay-process.ts as
 * `node --import tsx bench/peers/relay-server.ts`; it tells its port over IPC.
 */
import net from "node:net";
import { loadServiceConfig } from "../../shared/config";
import { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { createTemplates } from "../../sandbox-service/src/templates/catalog";

// The same environment as the benchmark (relay-process.ts passes it on), so the same shell.
const config = loadServiceConfig(process.env);
const template = createTemplates(config).get("shell");
if (!template) throw new Error("the shell template is missing");
const engine = new DockerEngine(config.DOCKER_HOST);

const server = net.createServer({ noDelay: true }, (socket) => {
  let head = "";
  const onHead = (chunk: Buffer) => {
    head += chunk.toString("latin1");
    const newline = head.indexOf("\n");
    if (newline < 0) return;
    socket.off("data", onHead);
    const containerId = head.slice(0, newline);
    const early = head.slice(newline + 1);
    socket.pause();
    engine.openTty(containerId, { ...template.shell, size: { cols: 80, rows: 24 } }).then(
      (tty) => {
        if (early) tty.stream.write(early);
        tty.stream.on("data", (data: Buffer) => socket.write(data));
        socket.on("data", (data: Buffer) => tty.stream.write(data));
        tty.stream.once("close", () => socket.destroy());
        tty.stream.on("error", () => socket.destroy());
        socket.once("close", () => tty.stream.destroy());
        socket.resume();
      },
      (error: unknown) => socket.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  };
  socket.on("data", onHead);
  socket.on("error", () => undefined);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address() as net.AddressInfo;
  process.send?.({ port: address.port });
});
process.once("SIGTERM", () => {
  server.close();
  process.exit(0);
});
