/**
 * deploy/stack.yml deployed for real (issue 12, "Done when"): a single-node swarm on a
 * second Docker engine (never on the shared one), in a network namespace of its own with
 * its own bridge and iptables rules, its socket's group 100999 as the stack's launcher
 * needs (`dockerd --group 100999`). The images the stack runs are copied in, the secret
 * made a Swarm secret, the stack deployed with `--resolve-image never`; a learner then gets
 * a token from the web app and a prompt from the agent the launcher started. The launcher
 * is then tested where only a swarm can: the agent killed (started again, the learner's
 * sandbox re-adopted) and the launcher killed without its clean-up (the next one removes
 * the agent left behind and runs exactly one). Then the
 * engine and everything it made (swarm, containers, mounts, namespace, folders) is removed,
 * pass or fail, and the last test checks that nothing is left.
 *
 * This VM's kernel has no IPVS, so the routing mesh and virtual IPs cannot work here: the
 * stack runs with host-mode ports, PostgreSQL found by DNS round-robin and one web replica
 * (deploy/stack.yml, DOJO_PUBLISH_MODE). The test reaches the namespace's ports through
 * unix sockets (support/netns-forward.ts), adding nothing to the host's network.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestLearner } from "../../sandbox-service/test/support/harness";
import { forwardIntoNamespace, type NamespaceForward } from "../../sandbox-service/test/support/netns-forward";
import { startSecondEngine, type SecondEngine } from "../../sandbox-service/test/support/second-engine";
import { openShell, tokenFromWebApp } from "./support/web-app";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const suffix = randomBytes(4).toString("hex");
const engineName = `dojo-stack-${suffix}`;
const instance = `it-${suffix}`;
const STACK = "dojo";
/** Inside the engine's namespace nothing else listens, so the stack's default ports serve. */
const WEB_PORT = 3000;
const AGENT_PORT = 4000;
/** What the stack runs: the platform's runtime, its database, and the shell sandboxes' image. */
const IMAGES = ["dojo/node:20", "dojo/postgres:15", "dojo/lab-shell:latest"];

let engine: SecondEngine | undefined;
/** The engine while it starts: a set-up that times out meanwhile must still stop it once it is up. */
let starting: Promise<SecondEngine> | undefined;
let forward: NamespaceForward | undefined;
let agentId = "";
const learners: TestLearner[] = [];
/** The first learner: their token and sandbox, kept to come back to after the agent restarts. */
const first = { token: "", hostname: "" };
/** The launcher's agent container (deploy/agent-launcher/agent-spec.ts: its name is its label). */
const AGENT_LABEL = "dojo.agent-launcher=dojo-agent";
/** How long an agent may take to come back: the launcher's or Swarm's restart delay, then the agent's start. */
const AGENT_BACK_MS = 120_000;

/** The agent containers on the swarm's engine, running or not. */
function agentContainers(): { id: string; state: string }[] {
  return engine!
    .docker(["ps", "-a", "--no-trunc", "--filter", `label=${AGENT_LABEL}`, "--format", "{{.ID}} {{.State}}"])
    .split("\n")
    .filter(Boolean)
    .map((line) => ({ id: line.split(" ")[0]!, state: line.split(" ")[1]! }));
}

/** Waits until an agent container other than `previous` runs, and returns it. */
async function newAgentRunning(previous: string): Promise<string> {
  const deadline = Date.now() + AGENT_BACK_MS;
  while (Date.now() < deadline) {
    const running = agentContainers().find((agent) => agent.id !== previous && agent.state === "running");
    if (running) return running.id;
    await sleep(250);
  }
  throw new Error(`no new agent container started after ${previous.slice(0, 12)}\n${diagnostics()}`);
}

/** The first learner's page reconnecting after the agent came back: their sandbox, re-adopted, answers. */
async function firstLearnerComesBack(word: string): Promise<void> {
  try {
    const { learner, sandbox } = await openShell(forward!.url(AGENT_PORT), first.token, learners, { retryForMs: AGENT_BACK_MS });
    expect(sandbox.hostname, "the same sandbox as before").toBe(first.hostname);
    expect(await learner.run(`echo ${word}-$((6 * 7))`)).toContain(`${word}-42`);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${diagnostics()}`, { cause: error });
  }
}

/** The swarm's view when something does not come up: every task with its error, and each service's last lines. */
function diagnostics(): string {
  if (!engine) return "(no engine)";
  const said = (args: string[]) => {
    try {
      return execFileSync("docker", ["-H", engine!.dockerHost, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      return `(docker ${args.join(" ")}: ${(error as Error).message})`;
    }
  };
  const services = said(["stack", "services", STACK, "--format", "{{.Name}}"]).split("\n").filter((line) => /^\S+$/.test(line));
  return [
    said(["stack", "ps", STACK, "--no-trunc"]),
    ...services.map((service) => `--- ${service}\n${said(["service", "logs", "--no-task-ids", "--tail", "30", service])}`),
  ].join("\n");
}

async function tearDown(): Promise<void> {
  for (const learner of learners.splice(0)) learner.close();
  await forward?.close();
  await (engine ?? (await starting?.catch(() => undefined)))?.stop();
}

describe("deploy/stack.yml on a single-node swarm", () => {
  beforeAll(async () => {
    // The stack serves the checkout's own build (cached by the sources' times) on images built here.
    execFileSync("bash", [`${root}/scripts/build-web.sh`], { stdio: "ignore" });
    try {
      execFileSync("docker", ["image", "inspect", ...IMAGES], { stdio: "ignore" });
    } catch {
      execFileSync("bash", [`${root}/images/build.sh`], { stdio: "ignore" });
    }
    // gid 999 inside the remapping is host gid 100999: the launcher's `user: 0:999`.
    starting = startSecondEngine(engineName, IMAGES, { network: true, socketGroup: 100999 });
    engine = await starting;
    try {
      engine.docker(["swarm", "init", "--advertise-addr", engine.address!]);
      engine.docker(["secret", "create", "dojo_secret", "-"], randomBytes(24).toString("hex"));
      agentId = engine.docker(["info", "-f", "{{.Name}}"]).trim();
      execFileSync("docker", ["-H", engine.dockerHost, "stack", "deploy", "--resolve-image", "never", "-c", `${root}/deploy/stack.yml`, STACK], {
        env: {
          ...process.env,
          DOJO_APP_DIR: root,
          DOJO_DB_PASSWORD: randomBytes(12).toString("hex"),
          DOJO_DOCKER_SOCKET: engine.socket,
          DOJO_INSTANCE: instance,
          // No IPVS in this kernel (see the top of this file).
          DOJO_PUBLISH_MODE: "host",
          DOJO_ENDPOINT_MODE: "dnsrr",
          DOJO_WEB_REPLICAS: "1",
          SANDBOX_POOL_SIZE: "0",
          SANDBOX_DOCKER_POOL_SIZE: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      forward = await forwardIntoNamespace(engine.netns, [WEB_PORT, AGENT_PORT]);
    } catch (error) {
      const message = `${(error as Error).message}\n${diagnostics()}`;
      await tearDown();
      throw new Error(message, { cause: error });
    }
    // Room for a first `next build` on a busy machine.
  }, 600_000);

  afterAll(tearDown, 120_000);

  it("gives a learner a shell: a token from the web app, a prompt from the agent the launcher runs", async () => {
    const { token, sandboxUrl } = await tokenFromWebApp({ webUrl: forward!.url(WEB_PORT), lesson: "start-here", agentId, diagnostics, timeoutMs: 180_000 });
    // The agent's address as the stack publishes it: the node's name and SANDBOX_PORT.
    expect(sandboxUrl).toBe(`http://${agentId}:${AGENT_PORT}`);
    try {
      const { learner, sandbox } = await openShell(forward!.url(AGENT_PORT), token, learners);
      Object.assign(first, { token, hostname: sandbox.hostname });
      expect(await learner.run("echo stack-$((6 * 7))")).toContain("stack-42");
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${diagnostics()}`, { cause: error });
    }
    // The sandbox is on the swarm's engine, labelled with the stack's instance; the shared engine got nothing.
    expect(engine!.docker(["ps", "-q", "--filter", `label=dojo.instance=${instance}`]).trim()).not.toBe("");
    expect(execFileSync("docker", ["ps", "-aq", "--filter", `label=dojo.instance=${instance}`], { encoding: "utf8" }).trim()).toBe("");
  }, 240_000);

  it("starts the agent again when it exits, and the new agent gives the learner back their sandbox", async () => {
    const [agent] = agentContainers();
    expect(agent?.state).toBe("running");
    engine!.docker(["kill", agent!.id]);
    await newAgentRunning(agent!.id);
    await firstLearnerComesBack("restarted");
    // The launcher removed the exited one before starting the next.
    expect(agentContainers()).toHaveLength(1);
  }, 240_000);

  it("a launcher killed without cleaning up: the next one removes the agent it left and runs exactly one", async () => {
    const [agent] = agentContainers();
    const launcher = engine!.docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_agent`]).trim();
    expect(launcher, "the launcher's task").not.toBe("");
    // SIGKILL: no SIGTERM handler runs, so its agent keeps running, as after a node's crash.
    engine!.docker(["kill", launcher]);
    await newAgentRunning(agent!.id);
    expect(agentContainers().map((one) => one.id)).not.toContain(agent!.id);
    await firstLearnerComesBack("relaunched");
    expect(agentContainers()).toHaveLength(1);
  }, 240_000);

  it("tears down: no engine, namespace, mount or folder is left, and nothing on the shared engine", async () => {
    const { socket, netns, folders } = engine!;
    await tearDown();
    expect(existsSync(socket), "the engine's socket").toBe(false);
    expect(existsSync(netns), "the network namespace").toBe(false);
    expect(folders.filter((folder) => existsSync(folder)), "the data root and exec root").toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(engineName);
    expect(execFileSync("docker", ["ps", "-aq", "--filter", `label=dojo.instance=${instance}`], { encoding: "utf8" }).trim()).toBe("");
  });
});
