/**
 * Reaches TCP ports inside a network namespace (a second engine's) from a test process
 * outside it, without adding anything to the host's network: a small node process inside
 * the namespace (`nsenter --net`) listens on one unix socket per port (a file, so both
 * sides see it) and connects each connection to 127.0.0.1:PORT there; out here, a TCP server
 * on a free loopback port pipes each connection into that socket.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface NamespaceForward {
  /** `http://127.0.0.1:LOCAL` for a port inside the namespace. */
  url(port: number): string;
  close(): Promise<void>;
}

/** Runs inside the namespace: argv = folder, ports. Prints "ready" once every socket listens. */
const INSIDE = `
const net = require("node:net");
const [dir, ...ports] = process.argv.slice(1);
let listening = 0;
for (const port of ports) {
  net.createServer((outside) => {
    const inside = net.connect(Number(port), "127.0.0.1");
    outside.pipe(inside).pipe(outside);
    outside.on("error", () => inside.destroy());
    inside.on("error", () => outside.destroy());
  }).listen(dir + "/" + port + ".sock", () => { if (++listening === ports.length) console.log("ready"); });
}
`;

export async function forwardIntoNamespace(netns: string, ports: number[]): Promise<NamespaceForward> {
  const dir = mkdtempSync(path.join(tmpdir(), "dojo-netns-"));
  const inside = spawn("nsenter", [`--net=${netns}`, process.execPath, "-e", INSIDE, dir, ...ports.map(String)], { stdio: ["ignore", "pipe", "pipe"] });
  let said = "";
  inside.stderr.on("data", (chunk: Buffer) => (said += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    inside.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    inside.once("exit", (code) => reject(new Error(`the forwarder inside ${netns} exited (${code}): ${said}`)));
  });
  const servers = new Map<number, { server: net.Server; local: number }>();
  const open = new Set<net.Socket>();
  for (const port of ports) {
    const server = net.createServer((outside) => {
      const socket = net.connect(path.join(dir, `${port}.sock`));
      open.add(outside);
      outside.on("close", () => open.delete(outside));
      outside.pipe(socket).pipe(outside);
      outside.on("error", () => socket.destroy());
      socket.on("error", () => outside.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.set(port, { server, local: (server.address() as net.AddressInfo).port });
  }
  return {
    url(port) {
      const forward = servers.get(port);
      if (!forward) throw new Error(`port ${port} is not forwarded`);
      return `http://127.0.0.1:${forward.local}`;
    },
    async close() {
      for (const socket of open) socket.destroy();
      for (const { server } of servers.values()) await new Promise((resolve) => server.close(resolve));
      if (inside.exitCode === null && inside.signalCode === null) {
        inside.kill("SIGTERM");
        await new Promise((resolve) => inside.once("exit", resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
