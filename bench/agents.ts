/**
 * Many machines (issue 12): learners arriving within a minute across two agents, each
 * the sandbox service of its own Docker engine (the second engine in a network namespace
 * of its own, as in sandbox-service/test/agents.int.test.ts), sharing one PostgreSQL.
 * Each learner is placed as the web app places it (lib/placement.ts, the very function
 * /api/sandbox-token runs), then connects to its agent and waits for a prompt.
 *
 * Figures: time to prompt p50/p95/max (placement included, which is a database round
 * trip or three), how many learners each agent got against an even split, and failures.
 * Both engines share this machine's two cores, so the figures say what placement costs
 * and how evenly it spreads, not what two real machines would give.
 *
 *   npm run bench:agents     (BENCH_AGENTS_LEARNERS=200, BENCH_AGENTS_ARRIVAL_SECONDS=60; BENCH_QUICK=1: 40 in 15 s)
 *
 * Writes bench/results/agents.json. Every container carries this run's dojo.instance and
 * is removed at the end; the second engine and the database are removed too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { placeLearner } from "../lib/placement";
import { liveAgents } from "../shared/db/agents";
import { createDatabase } from "../shared/db/client";
import { migrate } from "../shared/db/migrate";
import { freshDatabase } from "../shared/db/testing/databases";
import { newLearnerId } from "../shared/token";
import { startSecondEngine } from "../sandbox-service/test/support/second-engine";
import { connectDojoLearner, type DojoLearner } from "./peers/dojo-client";
import { Cleanup } from "./support/cleanup";
import { removeLabelled } from "./support/docker-cli";
import { REPO_ROOT } from "./support/service-process";
import { summarize } from "./support/stats";
import { sleep } from "./support/timing";
import { freePort } from "../shared/testing/free-port";

const quick = process.env.BENCH_QUICK === "1";
const LEARNERS = Number(process.env.BENCH_AGENTS_LEARNERS ?? (quick ? 40 : 200));
const ARRIVAL_SECONDS = Number(process.env.BENCH_AGENTS_ARRIVAL_SECONDS ?? (quick ? 15 : 60));
/** Each agent may hold all of them: the figure is placement and start-up, not a full platform's line. */
const MAX_PER_AGENT = LEARNERS + 10;
const LESSON = "start-here";
const LIVE_SECONDS = 15;
const PROMPT_TIMEOUT_MS = 300_000;
const RESULT_FILE = path.join(REPO_ROOT, "bench", "results", "agents.json");

interface Outcome {
  agent: string | null;
  timeToPromptMs: number | null;
  placementMs: number | null;
  failure: string | null;
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  const instance = `bench-agents-${randomBytes(3).toString("hex")}`;
  const secret = randomBytes(24).toString("hex");
  const workDir = path.join(os.tmpdir(), `dojo-${instance}`);
  mkdirSync(workDir, { recursive: true });
  const load = os.loadavg()[0]!;
  console.log(`[bench:agents] ${LEARNERS} learners over ${ARRIVAL_SECONDS} s, two agents; instance ${instance}; load ${load.toFixed(1)}; logs in ${workDir}`);
  try {
    const database = await freshDatabase("postgresql");
    cleanup.add("drop the database", () => database.drop());
    await migrate(database.url);
    const db = createDatabase(database.url);
    cleanup.add("close the database", () => db.$disconnect());

    const engineB = await startSecondEngine(`dojo-${instance.slice(-6)}`, ["dojo/lab-shell:latest"]);
    cleanup.add("stop the second engine", () => engineB.stop());

    const agents: { id: string; dockerHost: string | undefined }[] = [
      { id: "agent-a", dockerHost: undefined },
      { id: "agent-b", dockerHost: engineB.dockerHost },
    ];
    for (const agent of agents) {
      const port = await freePort();
      const log = openSync(path.join(workDir, `${agent.id}.log`), "a");
      const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "sandbox-service/src/main.ts"], {
        cwd: REPO_ROOT,
        stdio: ["ignore", log, log],
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: database.url,
          DOJO_SECRET: secret,
          DOJO_INSTANCE: instance,
          DOJO_DATA_DIR: workDir,
          AGENT_ID: agent.id,
          AGENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
          AGENT_HEARTBEAT_SECONDS: "1",
          SANDBOX_PORT: String(port),
          SANDBOX_MAX_TOTAL: String(MAX_PER_AGENT),
          SANDBOX_DOCKER_POOL_SIZE: "0",
          ...(agent.dockerHost ? { DOCKER_HOST: agent.dockerHost } : {}),
        },
      });
      cleanup.add(`stop ${agent.id}`, async () => {
        if (child.exitCode !== null) return;
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      });
    }
    for (let i = 0; (await liveAgents(db, new Date(Date.now() - LIVE_SECONDS * 1000))).length < 2; i++) {
      if (i > 600) throw new Error(`both agents did not register within a minute (logs in ${workDir})`);
      await sleep(100);
    }
    // Their warm pools filled (2 each by default), as a platform that has been up a while.
    await sleep(5000);

    const connected: DojoLearner[] = [];
    cleanup.add("close the learners", async () => connected.forEach((learner) => learner.terminal.close()));
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: LEARNERS }, async (_, index): Promise<Outcome> => {
        await sleep(Math.random() * ARRIVAL_SECONDS * 1000);
        const outcome: Outcome = { agent: null, timeToPromptMs: null, placementMs: null, failure: null };
        try {
          const t0 = performance.now();
          const learnerId = newLearnerId();
          const placement = await placeLearner(db, learnerId, LESSON, LIVE_SECONDS);
          if (!placement?.publicUrl) throw new Error("no live agent");
          outcome.agent = placement.agentId;
          outcome.placementMs = performance.now() - t0;
          const learner = await connectDojoLearner({ url: placement.publicUrl, secret, learnerId, lesson: LESSON, agent: placement.agentId, timeoutMs: PROMPT_TIMEOUT_MS });
          connected.push(learner);
          outcome.timeToPromptMs = outcome.placementMs + learner.timeToPromptMs;
        } catch (error) {
          outcome.failure = `learner ${index + 1}: ${(error as Error).message}`;
        }
        return outcome;
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;

    const perAgent = Object.fromEntries(agents.map((agent) => [agent.id, outcomes.filter((o) => o.agent === agent.id).length]));
    const counts = Object.values(perAgent);
    const result = {
      when: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAtStart: Number(load.toFixed(2)), loadAtEnd: Number(os.loadavg()[0]!.toFixed(2)) },
      learners: LEARNERS,
      arrivalSeconds: ARRIVAL_SECONDS,
      wallSeconds: Math.round(wallSeconds),
      timeToPromptMs: summarize(outcomes.flatMap((o) => (o.timeToPromptMs === null ? [] : [o.timeToPromptMs]))),
      placementMs: summarize(outcomes.flatMap((o) => (o.placementMs === null ? [] : [o.placementMs]))),
      perAgent,
      // 0: a perfectly even split; 1: everyone on one agent.
      imbalance: Number(((Math.max(...counts) - Math.min(...counts)) / Math.max(1, LEARNERS)).toFixed(3)),
      failures: outcomes.flatMap((o) => (o.failure ? [o.failure] : [])),
    };
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(RESULT_FILE, JSON.stringify(result, null, 2) + "\n");
    const t = result.timeToPromptMs;
    console.log(
      [
        `learners           ${LEARNERS} within ${ARRIVAL_SECONDS} s (all prompts within ${result.wallSeconds} s)`,
        `time to prompt     p50 ${t?.median ?? "-"} ms  p95 ${t?.p95 ?? "-"} ms  max ${t?.max ?? "-"} ms`,
        `placement          p50 ${result.placementMs?.median ?? "-"} ms  p95 ${result.placementMs?.p95 ?? "-"} ms`,
        `per agent          ${Object.entries(perAgent).map(([id, n]) => `${id} ${n}`).join(", ")}  (imbalance ${result.imbalance})`,
        `failures           ${result.failures.length}${result.failures.length ? ": " + result.failures.slice(0, 3).join("; ") : ""}`,
        `written to         ${path.relative(REPO_ROOT, RESULT_FILE)}`,
      ].join("\n"),
    );
  } finally {
    await cleanup.runAll();
    // Agent A's sandboxes on this machine's engine (B's went with its engine).
    await removeLabelled({ "dojo.instance": instance });
  }
}

await main();
