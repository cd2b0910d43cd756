/**
 * A second Docker engine on this machine, for tests of several agents: its own data root,
 * exec root, pid file and socket, in a network namespace of its own (so its bridge and
 * rules never touch the first engine's), with user-namespace remapping like the platform's,
 * and the images a shell sandbox needs copied in from the first engine (no registry here).
 * ENVIRONMENT.md, "Several Docker engines on one machine".
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface SecondEngine {
  /** DOCKER_HOST for it. */
  dockerHost: string;
  stop(): Promise<void>;
}

function docker(host: string, args: string[]): string {
  return execFileSync("docker", ["-H", host, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Starts it (about a second) and loads `images` from the first engine into it. */
export async function startSecondEngine(name: string, images: string[]): Promise<SecondEngine> {
  const root = `/var/lib/dojo-test-engines/${name}`;
  const run = `/run/dojo-test-engines/${name}`;
  const socket = `${run}/docker.sock`;
  const dockerHost = `unix://${socket}`;
  mkdirSync(root, { recursive: true });
  mkdirSync(run, { recursive: true });
  execFileSync("ip", ["netns", "add", name]);
  execFileSync("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  // nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts.
  const daemon: ChildProcess = spawn(
    "nsenter",
    [
      `--net=/run/netns/${name}`,
      "dockerd",
      "--userns-remap=default",
      "--data-root", root,
      "--exec-root", `${run}/exec`,
      "--pidfile", `${run}/docker.pid`,
      "-H", dockerHost,
      "--bridge=none",
      "--iptables=false",
    ],
    { stdio: "ignore", detached: true },
  );
  const stop = async () => {
    try {
      const ids = docker(dockerHost, ["ps", "-aq"]).split("\n").filter(Boolean);
      if (ids.length) docker(dockerHost, ["rm", "-f", ...ids]);
    } catch {
      // already gone
    }
    if (daemon.exitCode === null) {
      daemon.kill("SIGTERM");
      await new Promise((resolve) => daemon.once("exit", resolve));
    }
    execFileSync("ip", ["netns", "delete", name], { stdio: "ignore" });
    rmSync(run, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  };
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
    for (const image of images) {
      execFileSync("bash", ["-c", `docker save ${image} | docker -H ${dockerHost} load -q`], { stdio: "ignore" });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { dockerHost, stop };
}
