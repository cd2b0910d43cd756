/**
 * The sandbox service as a child process of the benchmark. It runs what
 * sandbox-service/src/main.ts runs (startSandboxService with the configuration from the
 * environment, a graceful stop on SIGTERM), in its own process so the service's event loop
 * and memory are its own, plus an IPC channel main.ts does not have: the benchmark learns
 * the port once the service listens, can wait until the warm pool is full
 * (service.pool.fill()) or read how full it is, and can ask for a garbage collection and the
 * heap's size before reading memory.
 *
 * Started by service-process.ts as `node --import tsx --expose-gc bench/support/service-child.ts`.
 */
import { loadServiceConfig } from "../../shared/config";
import { consoleLogger as log } from "../../sandbox-service/src/log/logger";
import { startSandboxService } from "../../sandbox-service/src/service";
import { loopDelayMonitor } from "./loop-delay";
import type { ChildMessage, ParentMessage } from "./service-ipc";

const send = (message: ChildMessage) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;
/** Two full collections a moment apart: V8 hands freed pages back to the OS lazily, so RSS settles only after. */
const collectGarbage = async () => {
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc?.();
};

const loopDelay = loopDelayMonitor();

try {
  // Unlike main.ts, no .env file: the benchmark passes every setting it means.
  const config = loadServiceConfig(process.env);
  // No database unless the benchmark made one for this run (BENCH_SERVICE_DATABASE=1 with
  // its own DATABASE_URL): it must never write into a developer's database.
  const service = await startSandboxService(config, process.env.BENCH_SERVICE_DATABASE === "1" ? {} : { database: null });
  log.info(`sandbox service (benchmark child) listening on port ${service.port}`, { instance: config.DOJO_INSTANCE });

  /** Fills until the pool holds its target of `template` (a fill run ends early if the engine hiccups). */
  const fillPool = async (template: "shell" | "docker") => {
    const target = template === "docker" ? config.SANDBOX_DOCKER_POOL_SIZE : config.SANDBOX_POOL_SIZE;
    for (let attempt = 0; attempt < 20; attempt++) {
      await service.pool.fill();
      if (service.pool.readyCount(template) >= target) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return service.pool.readyCount(template);
  };

  process.on("message", (message: ParentMessage) => {
    const answer = async (): Promise<ChildMessage> => {
      switch (message.type) {
        case "fill":
          return { id: message.id, type: "filled", pooled: await fillPool(message.template ?? "shell") };
        case "gc":
          await collectGarbage();
          return { id: message.id, type: "collected" };
        case "memory":
          await collectGarbage();
          return { id: message.id, type: "memory", usage: process.memoryUsage() };
        case "loop-delay":
          return { id: message.id, type: "loop-delay", delay: loopDelay.take() };
        case "pool":
          return { id: message.id, type: "pool", ready: service.pool.readyCount(message.template), target: service.pool.target(message.template) };
      }
    };
    answer().then(send, (error: unknown) => send({ id: message.id, type: "error", message: String(error) }));
  });

  const stop = async (signal: string) => {
    log.info(`${signal}: stopping`);
    await service.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  // The benchmark died without stopping us: do not linger (it removes the containers).
  process.once("disconnect", () => void stop("parent gone"));

  send({ type: "ready", port: service.port, pooled: service.pool.readyCount("shell") });
} catch (error) {
  send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
