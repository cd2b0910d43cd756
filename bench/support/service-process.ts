/**
 * Starts the sandbox service as a separate process (service-child.ts) with the settings a
 * measurement needs, talks to it over IPC, reads its memory from /proc, and stops it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processMemory, type ProcessMemory } from "./proc-memory";
import type { ChildMessage, LoopDelay, ParentMessage } from "./service-ipc";
import { within } from "./timing";
import { stopChild } from "./stop-child";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CHILD = path.join(REPO_ROOT, "bench", "support", "service-child.ts");

export interface ServiceSettings {
  secret: string;
  instance: string;
  poolSize: number;
  /** SANDBOX_DOCKER_POOL_SIZE; unset: the service's default (config.ts). */
  dockerPoolSize?: number;
  maxTotal: number;
  /** DOJO_DATA_DIR; the service writes nothing there when given a secret. */
  dataDir: string;
  /** Where the child's stdout and stderr go. */
  logFile: string;
  /**
   * A database made for this run (DATABASE_URL): the service then records progress and
   * serves workshops from it. Unset: the service runs without a database, whatever
   * DATABASE_URL the environment holds.
   */
  databaseUrl?: string;
  /** SANDBOX_SWEEP_INTERVAL_SECONDS; unset: the service's default (30 s). */
  sweepIntervalSeconds?: number;
  /** SANDBOX_RUNAWAY_WINDOW_SECONDS; unset: the service's default (60 s). */
  runawayWindowSeconds?: number;
}

/**
 * BENCH_SERVICE_CPU_PROFILE=<folder>: every service process writes a V8 CPU profile there
 * when it stops (open it in Chrome's DevTools, Performance tab). How the echo's
 * milliseconds were found (bench/README.md); it slows the service a little, so figures of
 * such a run are not the ones to report.
 */
function cpuProfileArgs(): string[] {
  const folder = process.env.BENCH_SERVICE_CPU_PROFILE;
  return folder ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(folder)}`, "--cpu-prof-interval=200"] : [];
}

/** A message without its id, member by member of the union (Omit alone would merge them). */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export class ServiceProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (message: ChildMessage) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    child.on("message", (message: ChildMessage) => {
      if (!("id" in message)) return;
      const reply = this.pending.get(message.id);
      this.pending.delete(message.id);
      reply?.(message);
    });
  }

  static async start(settings: ServiceSettings): Promise<ServiceProcess> {
    const log = openSync(settings.logFile, "a");
    const child = fork(CHILD, [], {
      cwd: REPO_ROOT,
      execArgv: ["--import", "tsx", "--expose-gc", ...cpuProfileArgs()],
      stdio: ["ignore", log, log, "ipc"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        DOJO_SECRET: settings.secret,
        DOJO_INSTANCE: settings.instance,
        DOJO_DATA_DIR: settings.dataDir,
        SANDBOX_PORT: "0",
        SANDBOX_POOL_SIZE: String(settings.poolSize),
        SANDBOX_MAX_TOTAL: String(settings.maxTotal),
        SANDBOX_MAX_PER_LEARNER: "3",
        ...(settings.dockerPoolSize === undefined ? {} : { SANDBOX_DOCKER_POOL_SIZE: String(settings.dockerPoolSize) }),
        ...(settings.sweepIntervalSeconds === undefined ? {} : { SANDBOX_SWEEP_INTERVAL_SECONDS: String(settings.sweepIntervalSeconds) }),
        ...(settings.runawayWindowSeconds === undefined ? {} : { SANDBOX_RUNAWAY_WINDOW_SECONDS: String(settings.runawayWindowSeconds) }),
        ...(settings.databaseUrl === undefined ? { BENCH_SERVICE_DATABASE: "0" } : { BENCH_SERVICE_DATABASE: "1", DATABASE_URL: settings.databaseUrl }),
      },
    });
    closeSync(log);
    const ready = await within(
      // Filling a pool of 50 creates 50 containers one after the other; a docker sandbox
      // also waits for its engine.
      30_000 + settings.poolSize * 5_000 + (settings.dockerPoolSize ?? 0) * 30_000,
      "starting the sandbox service",
      new Promise<number>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`the sandbox service exited with code ${code}; see ${settings.logFile}`)));
        child.on("message", (message: ChildMessage) => {
          if (message.type === "ready") resolve(message.port);
          if (message.type === "failed") reject(new Error(`the sandbox service failed to start: ${message.message}`));
        });
      }),
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    return new ServiceProcess(child, ready, settings.logFile);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  memory(): ProcessMemory | null {
    return processMemory(this.pid);
  }

  /**
   * Waits until the warm pool holds SANDBOX_POOL_SIZE ready sandboxes (SANDBOX_DOCKER_POOL_SIZE
   * for template "docker"); returns how many of that template it holds.
   */
  async fillPool(timeoutMs: number, template?: "shell" | "docker"): Promise<number> {
    const answer = await this.request(template ? { type: "fill", template } : { type: "fill" }, timeoutMs);
    if (answer.type !== "filled") throw new Error(`filling the pool failed: ${"message" in answer ? answer.message : answer.type}`);
    return answer.pooled;
  }

  /** How many sandboxes of `template` the warm pool holds ready, and its target now (workshop demand included). */
  async poolState(template: "shell" | "docker", timeoutMs = 10_000): Promise<{ ready: number; target: number }> {
    const answer = await this.request({ type: "pool", template }, timeoutMs);
    if (answer.type !== "pool") throw new Error(`reading the pool failed: ${"message" in answer ? answer.message : answer.type}`);
    return { ready: answer.ready, target: answer.target };
  }

  /** The service's event-loop delay since the previous call (or its start); counting starts anew. */
  async loopDelay(): Promise<LoopDelay> {
    const answer = await this.request({ type: "loop-delay" }, 10_000);
    if (answer.type !== "loop-delay") throw new Error("the service did not report its event-loop delay");
    return answer.delay;
  }

  /** A full garbage collection in the service, so an RSS reading is not mostly garbage. */
  async collectGarbage(): Promise<void> {
    await this.request({ type: "gc" }, 10_000);
  }

  /** The service's process.memoryUsage() after a full garbage collection. */
  async heapUsage(): Promise<NodeJS.MemoryUsage> {
    const answer = await this.request({ type: "memory" }, 10_000);
    if (answer.type !== "memory") throw new Error("the service did not report its memory");
    return answer.usage;
  }

  /** SIGTERM (the service's graceful stop), then SIGKILL if it lingers. Sandboxes stay; the caller removes them. */
  async stop(): Promise<void> {
    await stopChild(this.child, "the sandbox service");
  }

  private request(message: WithoutId<ParentMessage>, timeoutMs: number): Promise<ChildMessage> {
    const id = this.nextId++;
    const reply = new Promise<ChildMessage>((resolve) => this.pending.set(id, resolve));
    this.child.send({ ...message, id } as ParentMessage);
    return within(timeoutMs, `service request ${message.type}`, reply);
  }
}
