/**
 * A second Docker engine on this machine, for tests of several agents and of the Swarm
 * stack: its own data root, exec root, pid file and socket, in a network namespace of its
 * own (so its bridge and rules never touch the first engine's), with user-namespace
 * remapping like the platform's, and the images it needs copied in from the first engine
 * (no registry here). ENVIRONMENT.md, "Several Docker engines on one machine".
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface SecondEngineOptions {
  /**
   * Give it a network of its own inside its namespace: a bridge (docker0), iptables rules
   * and an address (`SecondEngine.address`, on a veth pair that never leaves the namespace).
   * A swarm needs them: an address to advertise, rules to publish ports. Without this the
   * engine has neither (`--bridge=none --iptables=false`), which is all sandboxes need.
   */
  network?: boolean;
  /**
   * The socket's group (`dockerd --group`). The stack's agent launcher (`user: 0:999` in
   * deploy/stack.yml) needs 100999: gid 999 inside the remapped range. Default: root's.
   */
  socketGroup?: number;
}

export interface SecondEngine {
  /** DOCKER_HOST for it. */
  dockerHost: string;
  /** Its socket's path on this machine. */
  socket: string;
  /** Its network namespace (for `nsenter --net=`). */
  netns: string;
  /** Its data root and exec root: what `stop` must leave nothing of. */
  folders: string[];
  /** Its address inside that namespace, with `network`; else undefined. */
  address?: string;
  /** Runs the docker CLI against it; returns stdout, throws with stderr. */
  docker(args: string[], input?: string): string;
  /** Stops it and removes everything it made: swarm state, containers, mounts, namespace, folders. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The engine's address in its namespace: from 198.18.0.0/15 (RFC 2544, benchmarking), which
 * no Docker address pool uses, so Swarm's overlay networks (10.0.0.0/8) and the bridge
 * (172.17.0.0/16) never overlap it. Only this namespace sees it.
 */
const ADDRESS = "198.18.0.1";

function docker(host: string, args: string[], input?: string): string {
  return execFileSync("docker", ["-H", host, ...args], { encoding: "utf8", input, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
}

/** Mount points at or under these folders, deepest first. */
function mountsUnder(folders: string[]): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4]?.replace(/\\040/g, " "))
    .filter((point): point is string => !!point && folders.some((folder) => point === folder || point.startsWith(`${folder}/`)))
    .sort((a, b) => b.length - a.length);
}

/** Starts it (about a second) and loads `images` from the first engine into it. */
export async function startSecondEngine(name: string, images: string[], options: SecondEngineOptions = {}): Promise<SecondEngine> {
  const root = `/var/lib/dojo-test-engines/${name}`;
  const run = `/run/dojo-test-engines/${name}`;
  const socket = `${run}/docker.sock`;
  const dockerHost = `unix://${socket}`;
  const netns = `/run/netns/${name}`;
  mkdirSync(root, { recursive: true });
  mkdirSync(run, { recursive: true });
  execFileSync("ip", ["netns", "add", name]);
  const inNamespace = (...args: string[]) => execFileSync("ip", ["netns", "exec", name, ...args], { stdio: "ignore" });
  inNamespace("ip", "link", "set", "lo", "up");
  if (options.network) {
    // Both ends stay in the namespace: an address of its own, nothing added to the host.
    inNamespace("ip", "link", "add", "dojo0", "type", "veth", "peer", "name", "dojo1");
    inNamespace("ip", "addr", "add", `${ADDRESS}/24`, "dev", "dojo0");
    inNamespace("ip", "link", "set", "dojo0", "up");
    inNamespace("ip", "link", "set", "dojo1", "up");
  }
  // nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts.
  const daemon: ChildProcess = spawn(
    "nsenter",
    [
      `--net=${netns}`,
      "dockerd",
      "--userns-remap=default",
      "--data-root", root,
      "--exec-root", `${run}/exec`,
      "--pidfile", `${run}/docker.pid`,
      "-H", dockerHost,
      ...(options.network ? [] : ["--bridge=none", "--iptables=false"]),
      ...(options.socketGroup === undefined ? [] : ["--group", String(options.socketGroup)]),
    ],
    { stdio: "ignore", detached: true },
  );
  let stopped: Promise<void> | undefined;
  const stopOnce = async () => {
    // A swarm's tasks would be started again as soon as their containers are removed.
    try {
      docker(dockerHost, ["swarm", "leave", "--force"]);
    } catch {
      // not in a swarm, or already gone
    }
    try {
      const ids = docker(dockerHost, ["ps", "-aq"]).split("\n").filter(Boolean);
      if (ids.length) docker(dockerHost, ["rm", "-f", "-v", ...ids]);
    } catch {
      // already gone
    }
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill("SIGTERM");
      await new Promise((resolve) => daemon.once("exit", resolve));
    }
    // Swarm's networks leave their namespaces bind-mounted under the exec root after the
    // engine stops; mounted, they make the removal below fail with EBUSY.
    for (const point of mountsUnder([run, root])) execFileSync("umount", ["-l", point], { stdio: "ignore" });
    execFileSync("ip", ["netns", "delete", name], { stdio: "ignore" });
    rmSync(run, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  };
  const stop = () => (stopped ??= stopOnce());
  try {
    for (let i = 0; ; i++) {
      if (existsSync(socket)) {
        try {
          docker(dockerHost, ["info", "-f", "{{.ID}}"]);
          break;
        } catch {
          // not answering yet
        }
      }
      if (i > 100 || daemon.exitCode !== null) throw new Error(`the second engine ${name} did not start`);
      await sleep(100);
    }
    // One stream for all: layers the images share travel once.
    if (images.length) execFileSync("bash", ["-c", `docker save ${images.join(" ")} | docker -H ${dockerHost} load -q`], { stdio: "ignore" });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dockerHost,
    socket,
    netns,
    folders: [root, run],
    address: options.network ? ADDRESS : undefined,
    docker: (args, input) => docker(dockerHost, args, input),
    stop,
  };
}
