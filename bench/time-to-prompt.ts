/**
 * `npm run bench`: how long until a learner can type, measured in one run against a floor.
 *
 *   platform  socket.io connect with a token → sandbox:open → terminal:open → first prompt
 *             byte, through the real sandbox service (in this process) and the real engine
 *   floor     the same container spec created, started and exec'd straight through the
 *             Docker driver, no socket, no service: what the engine alone costs
 *
 * Every iteration creates a new sandbox (cold: there is no warm pool yet). Results are
 * printed and written to bench/results/time-to-prompt.json.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { loadConfig } from "../shared/config";
import { EVENTS, type Ack } from "../shared/protocol";
import { signSandboxToken } from "../shared/token";
import { DockerEngine } from "../sandbox-service/src/engine/docker-engine";
import { silentLogger } from "../sandbox-service/src/log/logger";
import { startSandboxService } from "../sandbox-service/src/service";
import { instanceSelector, sandboxLabels } from "../sandbox-service/src/sessions/identity";
import { createTemplates } from "../sandbox-service/src/templates/registry";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const PROMPT = "# ";
const instance = `bench-${randomBytes(3).toString("hex")}`;
const config = loadConfig({ ...process.env, DOJO_INSTANCE: instance, SANDBOX_PORT: "0" });
const engine = new DockerEngine(config.DOCKER_HOST);
const shell = createTemplates(config).get("shell")!;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
}

async function floorOnce(): Promise<number> {
  const started = performance.now();
  const name = `dojo-bench-${randomBytes(4).toString("hex")}`;
  const container = await engine.createAndStart(shell.containerSpec({ name, hostname: name, labels: sandboxLabels(instance, "shell", new Date()) }));
  const tty = await engine.openTty(container.id, { ...shell.shell, size: { cols: 80, rows: 24 } });
  await new Promise<void>((resolve) => {
    let seen = "";
    tty.stream.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(PROMPT)) resolve();
    });
  });
  const elapsed = performance.now() - started;
  tty.stream.destroy();
  await engine.remove(container.id);
  return elapsed;
}

async function platformOnce(port: number): Promise<number> {
  const token = signSandboxToken(
    { sub: `bench-${randomBytes(8).toString("hex")}`, lesson: "bench", template: "shell", exp: Math.floor(Date.now() / 1000) + 120 },
    config.DOJO_SECRET,
  );
  const started = performance.now();
  const socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  try {
    return await new Promise<number>((resolve, reject) => {
      let seen = "";
      const check = (data: ArrayBuffer | Uint8Array) => {
        seen += Buffer.from(data as ArrayBuffer).toString();
        if (seen.includes(PROMPT)) resolve(performance.now() - started);
      };
      socket.on(EVENTS.terminalOutput, (o: { data: ArrayBuffer }) => check(o.data));
      socket.on("connect_error", reject);
      socket.on("connect", async () => {
        const opened = (await socket.emitWithAck(EVENTS.sandboxOpen, {})) as Ack<unknown>;
        if (!opened.ok) return reject(new Error(opened.error.message));
        const terminal = (await socket.emitWithAck(EVENTS.terminalOpen, { terminalId: "main", size: { cols: 80, rows: 24 } })) as Ack<{ data: ArrayBuffer }>;
        if (!terminal.ok) return reject(new Error(terminal.error.message));
        check(terminal.value.data);
      });
    });
  } finally {
    socket.disconnect();
  }
}

async function main() {
  const service = await startSandboxService(config, { log: silentLogger, sweepIntervalMs: 3_600_000 });
  const floor: number[] = [];
  const platform: number[] = [];
  try {
    // Warm-up: first runs pay for page cache and lazy imports.
    await floorOnce();
    await platformOnce(service.port);
    // Interleaved, so machine noise hits both series alike.
    for (let i = 0; i < RUNS; i++) {
      floor.push(await floorOnce());
      platform.push(await platformOnce(service.port));
      process.stdout.write(".");
    }
  } finally {
    await service.close();
    for (const c of await engine.list(instanceSelector(instance))) await engine.remove(c.id);
  }
  const result = {
    benchmark: "time-to-prompt (cold, no pool)",
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    milliseconds: { platform: stats(platform), floor: stats(floor) },
    ratioMedian: +(stats(platform).median / stats(floor).median).toFixed(2),
  };
  const fmt = (s: ReturnType<typeof stats>) => `median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  console.log(`\ntime to prompt, ${RUNS} runs each`);
  console.log(`  platform (socket.io → service → engine): ${fmt(result.milliseconds.platform)}`);
  console.log(`  floor (driver only, no service):         ${fmt(result.milliseconds.floor)}`);
  console.log(`  platform / floor (median):               ${result.ratioMedian}×`);
  const file = path.join("bench", "results", "time-to-prompt.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  console.log(`written to ${file}`);
}

await main();
