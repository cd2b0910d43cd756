/**
 * `npm run bench:transport`: what the transport alone costs a keystroke, with no Docker
 * and nothing of the platform. A server process and this client process exchange a
 * keystroke and its echo, on loopback, over each layer the platform's terminal rides on:
 *
 *   tcp        a bare TCP socket (what bench:engine's relay reference uses)
 *   engine.io  engine.io 6 over its WebSocket transport (socket.io's lower layer)
 *   socket.io  socket.io 4 with the platform's event shapes (`terminal:input` in,
 *              `terminal:output` with terminal id, instance, offset and data out)
 *
 * The layers take turns, one round trip each, with a pause between round trips as between
 * a person's keystrokes (BENCH_TRANSPORT_PAUSE_MS, 20 ms), so each starts from an idle
 * process as a keystroke does. Writes bench/results/transport.json. See bench/README.md.
 */
import { fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { attach } from "engine.io";
import { Socket as EngineClient } from "engine.io-client";
import { Server } from "socket.io";
import { io } from "socket.io-client";
import { envWholeNumber } from "./support/settings";
import { summarize, type Summary } from "./support/stats";
import { sleep } from "./support/timing";

const LAYERS = ["tcp", "engine.io", "socket.io"] as const;
type Layer = (typeof LAYERS)[number];
type Ports = Record<Layer, number>;

const SELF = fileURLToPath(import.meta.url);
const RESULT_FILE = path.join(path.dirname(SELF), "results", "transport.json");

const listening = (server: HttpServer | net.Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));

/** The server process: one echo server per layer; tells its ports over IPC. */
async function serve(): Promise<void> {
  const tcp = net.createServer({ noDelay: true }, (socket) => socket.on("data", (data) => socket.write(data)));

  const engineHttp = createServer();
  attach(engineHttp, {}).on("connection", (socket: { on(event: "message", listener: (data: string) => void): void; send(data: string): void }) =>
    socket.on("message", (data) => socket.send(data)),
  );

  const socketIoHttp = createServer();
  let offset = 0;
  new Server(socketIoHttp, { serveClient: false }).on("connection", (socket) =>
    socket.on("terminal:input", (input: { terminalId: string; data: string }) => {
      socket.emit("terminal:output", { terminalId: input.terminalId, instance: "0123456789ab", offset, data: input.data });
      offset += input.data.length;
    }),
  );

  const ports: Ports = { tcp: await listening(tcp), "engine.io": await listening(engineHttp), "socket.io": await listening(socketIoHttp) };
  process.send?.(ports);
}

/** One keystroke's round trip on each layer: resolves with the ms until the echo arrived. */
async function clients(ports: Ports): Promise<Record<Layer, () => Promise<number>>> {
  const tcp = net.connect({ port: ports.tcp, host: "127.0.0.1", noDelay: true });
  await new Promise((resolve) => tcp.once("connect", resolve));

  const engine = new EngineClient(`ws://127.0.0.1:${ports["engine.io"]}`, { transports: ["websocket"] });
  await new Promise<void>((resolve) => engine.once("open", () => resolve()));

  const socketIo = io(`http://127.0.0.1:${ports["socket.io"]}`, { transports: ["websocket"], reconnection: false });
  await new Promise<void>((resolve) => socketIo.once("connect", () => resolve()));

  const roundTrip = (send: () => void, answered: (done: () => void) => void) =>
    new Promise<number>((resolve) => {
      const started = performance.now();
      answered(() => resolve(performance.now() - started));
      send();
    });
  return {
    tcp: () => roundTrip(() => tcp.write("x"), (done) => tcp.once("data", done)),
    "engine.io": () => roundTrip(() => engine.send("x"), (done) => engine.once("message", done)),
    "socket.io": () => roundTrip(() => socketIo.emit("terminal:input", { terminalId: "main", data: "x" }), (done) => socketIo.once("terminal:output", done)),
  };
}

async function main(): Promise<void> {
  const samples = envWholeNumber("BENCH_TRANSPORT_SAMPLES", 400, 1);
  const pauseMs = envWholeNumber("BENCH_TRANSPORT_PAUSE_MS", 20, 1);
  const warmup = 50;
  const loadAtStart = os.loadavg()[0]!;
  const server = fork(SELF, ["serve"], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  try {
    const ports = await new Promise<Ports>((resolve, reject) => {
      server.once("message", (message) => resolve(message as Ports));
      server.once("exit", (code) => reject(new Error(`the server process exited with code ${code}`)));
    });
    const roundTrips = await clients(ports);
    const ms: Record<Layer, number[]> = { tcp: [], "engine.io": [], "socket.io": [] };
    for (let i = 0; i < warmup + samples; i++) {
      for (const layer of LAYERS) {
        const took = await roundTrips[layer]();
        if (i >= warmup) ms[layer].push(took);
        await sleep(pauseMs);
      }
    }
    const summaries = Object.fromEntries(LAYERS.map((layer) => [layer, summarize(ms[layer])])) as Record<Layer, Summary | null>;
    const report = {
      benchmark: "transport",
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: { start: loadAtStart, end: os.loadavg()[0]! } },
      settings: { samples, pauseMs, warmup },
      roundTripMs: summaries,
    };
    const f = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(3));
    console.log(`transport round trip (keystroke → echo), ms; ${samples} per layer after ${warmup} uncounted, ${pauseMs} ms apart; load ${loadAtStart.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(["layer".padEnd(10), "median".padStart(8), "p95".padStart(8), "p99".padStart(8)].join(" "));
    for (const layer of LAYERS) {
      const s = summaries[layer];
      console.log([layer.padEnd(10), f(s?.median).padStart(8), f(s?.p95).padStart(8), f(s?.p99).padStart(8)].join(" "));
    }
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(RESULT_FILE, JSON.stringify(report, null, 2) + "\n");
    console.log(`written to ${path.relative(process.cwd(), RESULT_FILE)}`);
  } finally {
    server.kill();
  }
  process.exit(0);
}

if (process.argv[2] === "serve") await serve();
else await main();
