/** The sandbox-service process. */
import { ConfigError, ensureSecret, serviceConfig } from "../../shared/config";
import { consoleLogger, jsonLogger, type Logger } from "./log/logger";
import { startSandboxService } from "./service";

let log: Logger = consoleLogger;
try {
  // Started on its own (npm run service) the service may be the first to need the secret.
  ensureSecret();
  const settings = serviceConfig();
  if (settings.LOG_FORMAT === "json") log = jsonLogger({ agent: settings.AGENT_ID });
  const service = await startSandboxService(settings, { processMetrics: true, log });
  log.info(`sandbox service listening on port ${service.port}`, { instance: settings.DOJO_INSTANCE, docker: settings.DOCKER_HOST });
  // A second signal while stopping ends the process at once (the handlers are `once`).
  const stop = async (signal: string) => {
    log.info(`${signal}: stopping; pages are told the platform restarts and requests in flight are answered (sandboxes keep running and are re-adopted on the next start)`);
    try {
      await service.close();
    } catch (error) {
      log.error("could not stop cleanly", { error });
      process.exit(1);
    }
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
