/** The sandbox-service process. */
import { config, ConfigError } from "../../shared/config";
import { consoleLogger as log } from "./log/logger";
import { startSandboxService } from "./service";

try {
  const settings = config();
  const service = await startSandboxService(settings);
  log.info(`sandbox service listening on port ${service.port}`, { instance: settings.DOJO_INSTANCE, docker: settings.DOCKER_HOST });
  const stop = async (signal: string) => {
    log.info(`${signal}: stopping (sandboxes keep running and are re-adopted on the next start)`);
    await service.close();
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
