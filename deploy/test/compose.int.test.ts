/**
 * docker-compose.yml, brought up for real on this machine's engine (issue 12, "Done when"):
 * under a project name, ports and sandbox instance of its own, it runs PostgreSQL, the
 * migrations, the web app and the agent; a learner asks the web app for a sandbox token as
 * a lesson page does, connects to the agent it names and gets a shell that answers. Then
 * everything the project made (containers, network, the database's volume) and every
 * sandbox of its instance is removed, pass or fail. On the way the agent's service is
 * killed with SIGKILL, and the restart policy must bring it back with the learner's sandbox.
 *
 * Needs Debian's docker-compose (v1) and the images `npm run images` builds; skips, saying
 * so, only when docker-compose is not installed (.ci/run installs it, so CI never skips).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type SandboxInfo } from "../../shared/protocol";
import { freePort } from "../../shared/testing/free-port";
import { removeInstance, TestLearner } from "../../sandbox-service/test/support/harness";
import { openShell, tokenFromWebApp as askWebApp } from "./support/web-app";

const root = new URL("../..", import.meta.url).pathname;
const hasCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
const suffix = randomBytes(4).toString("hex");
const project = `dojo-compose-${suffix}`;
const instance = `it-${suffix}`;
const agentId = `compose-${suffix}`;
const env: Record<string, string> = {};
let webUrl = "";
const learners: TestLearner[] = [];

function compose(...args: string[]): string {
  return execFileSync("docker-compose", ["-p", project, "-f", `${root}docker-compose.yml`, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const tokenFromWebApp = (lesson: string) => askWebApp({ webUrl, lesson, agentId, diagnostics: logs });

function logs(): string {
  try {
    return compose("logs", "--no-color", "--tail", "40");
  } catch (error) {
    return `(no logs: ${(error as Error).message})`;
  }
}

/** Everything labelled with the project (what `down -v` should have removed), removed anyway. */
function removeProjectObjects(): void {
  const label = `label=com.docker.compose.project=${project}`;
  const list = (kind: string[]) => execFileSync("docker", [...kind, "-q", "--filter", label], { encoding: "utf8" }).split("\n").filter(Boolean);
  const containers = list(["ps", "-a"]);
  if (containers.length) execFileSync("docker", ["rm", "-f", "-v", ...containers], { stdio: "ignore" });
  const networks = list(["network", "ls"]);
  if (networks.length) execFileSync("docker", ["network", "rm", ...networks], { stdio: "ignore" });
  const volumes = list(["volume", "ls"]);
  if (volumes.length) execFileSync("docker", ["volume", "rm", "-f", ...volumes], { stdio: "ignore" });
}

describe.skipIf(!hasCompose)("docker-compose.yml (skipped: docker-compose is not installed; apt-get install docker-compose)", () => {
  beforeAll(async () => {
    // The containers serve the checkout's own build and run on images made here, never pulled.
    execFileSync("bash", [`${root}scripts/build-web.sh`], { stdio: "ignore" });
    execFileSync("bash", [`${root}images/build.sh`], { stdio: "ignore" });
    const [web, sandbox, postgres] = [await freePort(), await freePort(), await freePort()];
    Object.assign(env, {
      DOJO_SECRET: randomBytes(24).toString("base64url"),
      DOJO_DB_PASSWORD: randomBytes(12).toString("hex"),
      DOJO_WEB_PORT: String(web),
      SANDBOX_PORT: String(sandbox),
      DOJO_POSTGRES_PORT: String(postgres),
      DOJO_INSTANCE: instance,
      AGENT_ID: agentId,
      SANDBOX_POOL_SIZE: "0",
      SANDBOX_DOCKER_POOL_SIZE: "0",
    });
    webUrl = `http://127.0.0.1:${web}`;
    compose("up", "-d");
  }, 600_000);

  afterAll(async () => {
    for (const learner of learners) learner.close();
    try {
      compose("down", "-v", "--remove-orphans", "--timeout", "25");
    } finally {
      removeProjectObjects();
      await removeInstance(instance);
    }
  }, 120_000);

  // The first answer waits for the whole project to start (up to tokenFromWebApp's 120 s).
  it("gives a learner a shell: a token from the web app, a prompt from the agent, over PostgreSQL", async () => {
    const { token, sandboxUrl } = await tokenFromWebApp("start-here");
    expect(new URL(sandboxUrl).port).toBe(env.SANDBOX_PORT);
    try {
      const { learner } = await openShell(sandboxUrl, token, learners);
      expect(await learner.run("echo compose-$((6 * 7))")).toContain("compose-42");
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    }
    // PostgreSQL, web and agent keep running; the migrations' container has done its job.
    const running = execFileSync("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" });
    expect(running.split("\n").filter(Boolean)).toHaveLength(3);
  }, 180_000);

  it("runs a `docker` sandbox whose own engine starts containers: the agent container hands it its cgroup", async () => {
    // The host-level work the agent container opts out of remapping for: without the
    // delegation the nested `docker run` fails with "mkdir /sys/fs/cgroup/…: permission denied".
    const { token, sandboxUrl } = await tokenFromWebApp("meet-docker");
    const learner = new TestLearner(sandboxUrl, { token });
    learners.push(learner);
    try {
      await learner.connected();
      await learner.openSandbox();
      await learner.openTerminal();
      await learner.waitFor(/[#$] /, 60_000);
      expect(await learner.run("docker run --rm busybox echo nested-$((6 * 7)) 2>&1 | tail -n 3", 120_000)).toContain("nested-42");
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    }
  }, 240_000);

  it("opens a playground machine on a private network, which the agent keeps the host off through the host's /proc", async () => {
    // The bridge lockdown writes the host bridge's settings through DOJO_HOST_PROC; where it
    // cannot, the machine is refused in a sentence instead of being left on an open network.
    const { token, sandboxUrl } = await tokenFromWebApp("play");
    const page = new TestLearner(sandboxUrl, { token });
    learners.push(page);
    try {
      await page.connected();
      const answer = await page.request<SandboxInfo>(EVENTS.sandboxOpen, { machine: "node1" });
      expect(answer.ok ? answer.value.hostname : answer.error.message).toBe("node1");
      await page.openTerminal();
      await page.waitFor(/[#$] /, 60_000);
      expect(await page.run("hostname")).toContain("node1");
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    }
  }, 240_000);

  // Issue 16: the orchestrator restarts a crashed agent (`restart: unless-stopped`), which
  // re-adopts its sandboxes. Killed from the host (the test runs as root): a process that
  // dies of a signal is a crash to Docker, not a `docker stop`.
  it("starts the agent again after its service is killed with SIGKILL, and the learner gets the same sandbox and file back", async () => {
    const { token, sandboxUrl } = await tokenFromWebApp("start-here");
    const mark = `kept-${randomBytes(3).toString("hex")}`;
    try {
      const { learner, sandbox } = await openShell(sandboxUrl, token, learners);
      expect(await learner.run(`echo ${mark} > ~/crash-mark && cat ~/crash-mark`)).toContain(mark);
      const agent = compose("ps", "-q", "agent").trim();
      const state = () => execFileSync("docker", ["inspect", "-f", "{{.State.Running}} {{.RestartCount}}", agent], { encoding: "utf8" }).trim();
      const restartsBefore = Number(state().split(" ")[1]);
      // The service's own process on the host (the container shares the host's pid namespace).
      const servicePid = Number(execFileSync("docker", ["top", agent, "-eo", "pid,args"], { encoding: "utf8" }).split("\n").find((line) => /node .*sandbox-service\/src\/main\.ts/.test(line))?.trim().split(/\s+/)[0]);
      expect(servicePid, "the agent's service process").toBeGreaterThan(1);
      process.kill(servicePid, "SIGKILL");
      await expect.poll(() => learner.socket.connected, { timeout: 30_000 }).toBe(false);
      // Docker starts the same container again; the page reconnects with its token.
      for (const until = Date.now() + 150_000; Date.now() < until && !(state().startsWith("true") && Number(state().split(" ")[1]) > restartsBefore); ) await sleep(250);
      expect(Number(state().split(" ")[1]), "Docker restarted the agent's container").toBeGreaterThan(restartsBefore);
      const back = await openShell(sandboxUrl, token, learners, { retryForMs: 150_000 });
      expect(back.sandbox.id, "the same sandbox, re-adopted").toBe(sandbox.id);
      expect(await back.learner.run("cat ~/crash-mark")).toContain(mark);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    }
  }, 420_000);

  it("tears down: nothing labelled with the project is left", () => {
    compose("down", "-v", "--remove-orphans", "--timeout", "25");
    for (const kind of [["ps", "-a"], ["network", "ls"], ["volume", "ls"]]) {
      const left = execFileSync("docker", [...kind, "-q", "--filter", `label=com.docker.compose.project=${project}`], { encoding: "utf8" }).trim();
      expect(left, `docker ${kind.join(" ")}`).toBe("");
    }
  });
});
