/** What every phase of the benchmark shares: the run's identity, driver, template and cleanup. */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { loadServiceConfig, type ServiceConfig } from "../../shared/config";
import { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { instanceSelector } from "../../sandbox-service/src/sessions/identity";
import { createTemplates } from "../../sandbox-service/src/templates/catalog";
import type { SandboxTemplate } from "../../sandbox-service/src/templates/template";
import { Cleanup } from "./cleanup";
import { removeLabelled } from "./docker-cli";
import { ServiceProcess } from "./service-process";
import type { Settings } from "./settings";

/** `S`: the settings of the benchmark using it (sandbox-engine.ts: Settings). */
export interface BenchContext<S = Settings> {
  settings: S;
  /** DOJO_INSTANCE of every service this run starts; labels every container it creates. */
  instance: string;
  secret: string;
  /** Scratch folder: service data dir, logs, wetty's hand-off files. */
  workDir: string;
  config: ServiceConfig;
  engine: DockerEngine;
  template: SandboxTemplate;
  cleanup: Cleanup;
  progress(message: string): void;
}

export function createContext<S>(settings: S, workDir: string, cleanup: Cleanup): BenchContext<S> {
  const instance = `bench-${randomBytes(3).toString("hex")}`;
  const secret = randomBytes(32).toString("base64url");
  // The same settings the service child gets (it reads the same environment), so the
  // references' containers have exactly the sandboxes' spec.
  const config = loadServiceConfig({ ...process.env, DOJO_INSTANCE: instance, DOJO_SECRET: secret, DOJO_DATA_DIR: workDir, SANDBOX_PORT: "0" });
  const template = createTemplates(config).get("shell");
  if (!template) throw new Error("the shell template is missing");
  return {
    settings,
    instance,
    secret,
    workDir,
    config,
    engine: new DockerEngine(config.DOCKER_HOST),
    template,
    cleanup,
    progress: (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`),
  };
}

let serviceCount = 0;

export interface WithServiceOptions {
  /** SANDBOX_DOCKER_POOL_SIZE; default 0: no idle docker sandbox skews other phases. */
  dockerPoolSize?: number;
  /** A database made for this run; default none (see ServiceSettings.databaseUrl). */
  databaseUrl?: string;
  /** SANDBOX_SWEEP_INTERVAL_SECONDS; default the service's. */
  sweepIntervalSeconds?: number;
  /** SANDBOX_RUNAWAY_WINDOW_SECONDS; default the service's. */
  runawayWindowSeconds?: number;
}

/**
 * Runs `work` against a fresh sandbox service process; afterwards stops it and removes
 * every sandbox it made (whatever happened).
 */
export async function withService<T>(
  ctx: BenchContext<unknown>,
  poolSize: number,
  work: (service: ServiceProcess) => Promise<T>,
  options: WithServiceOptions = {},
): Promise<T> {
  const logFile = path.join(ctx.workDir, `service-${++serviceCount}.log`);
  const service = await ServiceProcess.start({
    secret: ctx.secret,
    instance: ctx.instance,
    poolSize,
    dockerPoolSize: options.dockerPoolSize ?? 0,
    // Room for every learner of every round plus the pool: capacity is not what we measure.
    maxTotal: 1000,
    dataDir: ctx.workDir,
    logFile,
    databaseUrl: options.databaseUrl,
    sweepIntervalSeconds: options.sweepIntervalSeconds,
    runawayWindowSeconds: options.runawayWindowSeconds,
  });
  const release = ctx.cleanup.add("stop the sandbox service and remove its sandboxes", async () => {
    await service.stop();
    await removeLabelled(instanceSelector(ctx.instance));
  });
  try {
    return await work(service);
  } finally {
    await release();
  }
}
