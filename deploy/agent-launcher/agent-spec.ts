/**
 * What the agent launcher (deploy/agent-launcher/main.ts) asks its node's engine for: the
 * real sandbox agent as a plain container with the host settings a Swarm service cannot
 * have (docs/scaling.md, "Docker Swarm"), the same as docker-compose.yml's `agent`. Pure:
 * from the launcher's own environment to Docker's create options, so it is unit-tested.
 *
 * The launcher's environment (deploy/stack.yml sets it):
 * - LAUNCHER_APP_DIR (required): the checkout on the node, an absolute host path; the
 *   agent runs it read-only at /app, as the web app does.
 * - LAUNCHER_IMAGE (dojo/node:20): the agent's image, built on the node.
 * - LAUNCHER_NAME (dojo-agent): the agent container's name on the node, and its
 *   `dojo.agent-launcher` label: what a launcher removes on start and on stop.
 * - LAUNCHER_DOCKER_SOCKET (/var/run/docker.sock): the engine's socket, a host path; the
 *   launcher reaches it at the same path, the agent at /var/run/docker.sock.
 * - Every platform setting (shared/config.ts, CONFIG_VARIABLES) the launcher has is the
 *   agent's, checked here first; DOJO_SECRET_FILE (a Swarm secret, mounted in the
 *   launcher's container only) is read and handed on as DOJO_SECRET.
 */
import path from "node:path";
import { CONFIG_VARIABLES, ConfigError, loadServiceConfig } from "../../shared/config";

/** Labels of every container a launcher creates; the launcher's name scopes its clean-up. */
export const LAUNCHER_LABELS = { role: "dojo.role", launcher: "dojo.agent-launcher" } as const;

export interface LauncherSettings {
  appDir: string;
  image: string;
  name: string;
  dockerSocket: string;
  /** The platform registry's socket folder (DOJO_REGISTRY_SOCKET_DIR), which the agent checks at start. */
  registrySocketDir: string;
  /** The agent's environment, `NAME=value`. */
  agentEnv: string[];
}

type Env = Record<string, string | undefined>;

/** The agent's command, as docker-compose.yml's `agent` runs it (node itself: SIGTERM reaches it). */
const AGENT_COMMAND = ["node", "--import", "tsx", "sandbox-service/src/main.ts"];

/** Reads and checks the launcher's settings; throws a ConfigError in a sentence. */
export function launcherSettings(env: Env): LauncherSettings {
  const appDir = env.LAUNCHER_APP_DIR ?? "";
  if (!path.isAbsolute(appDir)) {
    throw new ConfigError("LAUNCHER_APP_DIR must be the absolute path of the platform's checkout on this node (the agent runs it at /app).");
  }
  const dockerSocket = env.LAUNCHER_DOCKER_SOCKET || "/var/run/docker.sock";
  if (!path.isAbsolute(dockerSocket)) throw new ConfigError("LAUNCHER_DOCKER_SOCKET must be an absolute path (the engine's socket on this node).");
  const name = env.LAUNCHER_NAME || "dojo-agent";
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw new ConfigError(`LAUNCHER_NAME: "${name}" is not a valid container name.`);

  const platform = Object.fromEntries(CONFIG_VARIABLES.filter((key) => env[key]).map((key) => [key, env[key]!]));
  const fixed = { DOCKER_HOST: "unix:///var/run/docker.sock", DOJO_HOST_PROC: "/host/proc" };
  // The agent's settings are checked here, so a bad one is a sentence in the launcher's log
  // (`docker service logs`) rather than an agent restarting until the launcher gives up.
  const checked = loadServiceConfig({ ...platform, ...fixed });
  const agentEnv = { ...platform, ...fixed, DOJO_SECRET: checked.DOJO_SECRET, DOJO_SECRET_FILE: undefined, LOG_FORMAT: env.LOG_FORMAT || "json" };
  return {
    appDir,
    image: env.LAUNCHER_IMAGE || "dojo/node:20",
    name,
    dockerSocket,
    registrySocketDir: checked.DOJO_REGISTRY_SOCKET_DIR,
    agentEnv: Object.entries(agentEnv)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([key, value]) => `${key}=${value}`),
  };
}

/** Docker's create options for the agent (the Engine API's body; dockerode passes it on). */
export function agentContainerSpec(settings: LauncherSettings) {
  return {
    name: settings.name,
    Image: settings.image,
    Cmd: AGENT_COMMAND,
    WorkingDir: "/app",
    Env: settings.agentEnv,
    Labels: { [LAUNCHER_LABELS.role]: "agent", [LAUNCHER_LABELS.launcher]: settings.name },
    // Same stop grace as docker-compose.yml: the agent finishes requests for up to 10 s.
    StopTimeout: 20,
    HostConfig: {
      Init: true,
      // README, "Security model": the agent is host root by necessity (cgroup delegation in
      // the host's cgroupfs and pid namespace, the bridges' sysctls); see docker-compose.yml.
      UsernsMode: "host",
      PidMode: "host",
      NetworkMode: "host",
      CapAdd: ["NET_ADMIN"],
      // Ten times a sandbox's weight (README, "Fair CPU"): with less, a roomful of busy
      // sandboxes slows every learner's terminal, whose bytes all pass through the agent.
      CpuShares: 10240,
      Binds: [
        `${settings.appDir}:/app:ro`,
        `${settings.dockerSocket}:/var/run/docker.sock`,
        "/sys/fs/cgroup:/sys/fs/cgroup",
        "/proc:/host/proc",
        `${settings.registrySocketDir}:${settings.registrySocketDir}:ro`,
      ],
      // The launcher restarts it (with back-off) and sees each exit; Docker must not race it.
      RestartPolicy: { Name: "no" },
    },
  };
}
