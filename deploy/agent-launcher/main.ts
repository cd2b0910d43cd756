/**
 * The agent launcher: what deploy/stack.yml runs as its global `agent` service. A Swarm
 * task cannot opt out of user-namespace remapping or share the host's pid and network
 * namespaces, which the agent needs (docs/scaling.md, "Docker Swarm"); so this process,
 * with its node's engine socket, runs the real agent as a plain container that can
 * (agent-spec.ts), and supervises it:
 *
 * - on start, it removes an agent container a previous launcher left behind (killed, or
 *   its node rebooted), so exactly one agent runs per engine;
 * - when the agent exits, it is removed and started again after RestartPolicy's delay
 *   (scripts/platform/restart-policy.ts, as `npm start` restarts it); failing for good, the
 *   launcher exits 1 and Swarm restarts the launcher, with its own delay;
 * - on SIGTERM (the service removed or updated, the node drained) it stops the agent,
 *   giving it its grace period, and removes it.
 *
 * The agent's output is copied to the launcher's, so `docker service logs` shows it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { ConfigError } from "../../shared/config";
import { RestartPolicy } from "../../scripts/platform/restart-policy";
import { agentContainerSpec, LAUNCHER_LABELS, launcherSettings, type LauncherSettings } from "./agent-spec";

const log = (message: string) => console.log(`[launcher] ${message}`);

let settings: LauncherSettings;
try {
  settings = launcherSettings(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}

const docker = new Docker({ socketPath: settings.dockerSocket });
let current: Docker.Container | undefined;
let stopping = false;

/** Every container of this launcher's name on the engine, running or not, removed. */
async function removeAgents(): Promise<void> {
  const filters = { label: [`${LAUNCHER_LABELS.launcher}=${settings.name}`] };
  for (const info of await docker.listContainers({ all: true, filters })) {
    const container = docker.getContainer(info.Id);
    // Stopped first, with the agent's grace (its StopTimeout), so learners are told.
    await container.stop().catch(() => undefined);
    await container.remove({ force: true }).catch(() => undefined);
    log(`removed agent container ${info.Names[0] ?? info.Id}`);
  }
}

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the agent`);
  try {
    await removeAgents();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

async function runOnce(): Promise<number> {
  const container = await docker.createContainer(agentContainerSpec(settings));
  current = container;
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  docker.modem.demuxStream(stream, process.stdout, process.stderr);
  await container.start();
  log(`agent started (${settings.image}, container ${settings.name})`);
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  return StatusCode;
}

async function main(): Promise<void> {
  await docker.ping();
  await removeAgents();
  const policy = new RestartPolicy();
  while (!stopping) {
    const status = await runOnce();
    if (stopping) return;
    log(`the agent exited with status ${status}`);
    await current?.remove({ force: true }).catch(() => undefined);
    const delay = policy.crashed();
    if (delay === null) {
      log(`the agent exited ${policy.recentCrashes} times in a short while: giving up, Swarm will start the launcher again`);
      process.exit(1);
    }
    await sleep(delay);
  }
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  const message = (error as { code?: string }).code === "ENOENT" || (error as { code?: string }).code === "EACCES"
    ? `cannot reach the Docker engine at ${settings.dockerSocket} (${(error as { code: string }).code}): mount the node's socket there, with the socket's group as the launcher's group`
    : (error as Error).message;
  console.error(`[launcher] ${message}`);
  await removeAgents().catch(() => undefined);
  process.exit(1);
});
