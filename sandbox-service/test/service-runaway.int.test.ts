/**
 * Runaway sandboxes nobody watches, against the real engine: a fork bomb or a spinner left
 * running after the learner closed the tab is frozen (paused) once it has been busy for
 * the window; the learner's return reads why and gets a working shell or a fresh sandbox;
 * a busy sandbox whose learner is there is not frozen, but kept off CPU 0 while busy; a
 * frozen sandbox survives a restart of the service and still obeys its timers.
 *
 * Sweeps are driven by the test (service.sweep()), each followed by a short poll interval
 * until the awaited state shows: the window is real time the sandbox spends busy.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../shared/config";
import type { RunningService, ServiceOverrides } from "../src/service";
import { cpuSetFor } from "../src/runaway/cpu-confiner";
import { SandboxState } from "../src/sessions/sandbox";
import { engine, readyLearner, removeInstance, startService, testConfig, TestLearner, token } from "./support/harness";

const config = testConfig({
  // A short window (production: 60 s), and a small process limit so a fork bomb reaches it at once.
  SANDBOX_RUNAWAY_WINDOW_SECONDS: "2",
  SANDBOX_PIDS_LIMIT: "128",
});
const services: RunningService[] = [];

// Each test has services and sandboxes of its own: a later service would adopt an earlier one's sandboxes.
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await removeInstance(config.DOJO_INSTANCE);
});

async function start(overrides: ServiceOverrides = {}, settings: Partial<ServiceConfig> = {}): Promise<RunningService> {
  const service = await startService({ ...config, ...settings }, overrides);
  services.push(service);
  return service;
}

/** Sweeps until `done()` holds (each sweep reads every unattached sandbox's use once). */
async function sweepUntil(service: RunningService, done: () => Promise<boolean> | boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await service.sweep();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts one CPU spinner per CPU in the learner's shell (in the background) and waits until they run. */
async function spin(learner: TestLearner): Promise<void> {
  learner.type('for i in $(seq $(nproc)); do (while :; do :; done) & done; echo spin""ning\r');
  await learner.waitFor("spinning");
}

const stateOf = async (id: string) => (await engine.inspect(id))?.state;

/** Closes the learner's page and waits until the service has seen it go. */
async function leave(service: RunningService, learner: TestLearner, sandboxId: string): Promise<void> {
  learner.close();
  await expect.poll(() => service.manager.findById(sandboxId)?.attached.size, { timeout: 10_000 }).toBe(0);
}

/** The learner opens the lesson page again: same learner id, a new socket. */
async function comeBack(service: RunningService, learnerId: string): Promise<TestLearner> {
  const learner = new TestLearner(service.port, { token: token({ sub: learnerId }) });
  await learner.connected();
  return learner;
}

/** Starts a fork bomb in the learner's shell and waits until the shell has run it (a page closed at once would never send it). */
async function forkBomb(learner: TestLearner): Promise<void> {
  learner.type(':(){ :|:& };:; echo bomb""-started\r');
  await learner.waitFor("bomb-started");
}

describe("runaway sandboxes nobody watches", () => {
  it("freezes a fork bomb left running once the window is over; the learner's return reads why, and a reset gives a working shell", async () => {
    const service = await start();
    const attacker = await readyLearner(service.port);
    await forkBomb(attacker);
    await leave(service, attacker, attacker.sandbox.id);

    await sweepUntil(service, async () => (await stateOf(attacker.sandbox.id)) === "paused", "the fork bomb's sandbox is paused");
    const sandbox = service.manager.findById(attacker.sandbox.id)!;
    expect(sandbox.state).toBe(SandboxState.Ready);
    expect(sandbox.frozen?.cause).toBe("pids");
    // Frozen, it costs the machine nothing: no CPU time passes in it from one sweep to the next.
    const before = await engine.usage(sandbox.id);
    await service.sweep();
    expect((await engine.usage(sandbox.id))?.cpuNanos).toBe(before?.cpuNanos);

    const back = await comeBack(service, attacker.learnerId);
    const info = await back.openSandbox(attacker.sandbox.id);
    expect(info.id).toBe(attacker.sandbox.id);
    expect(info.notice).toMatch(/limit of running processes.*paused.*runs again.*Reset sandbox/);
    expect(await stateOf(info.id)).toBe("running");
    await back.openTerminal();
    // Builtins need no new process: the old shell answers, fork bomb and all (whose
    // processes keep printing their complaints on the same terminal, between its lines).
    expect((await back.run("echo thawed-$((2+2))", 30_000)).split("\n")).toContain("thawed-4");

    const reset = await back.request<{ id: string }>("sandbox:reset", {});
    expect(reset.ok).toBe(true);
    back.output = "";
    await back.openTerminal();
    expect(await back.run("ls / >/dev/null && echo fresh-$((1+1))")).toBe("fresh-2");
    expect(await engine.inspect(attacker.sandbox.id)).toBeNull();
    back.close();
  });

  it("freezes a CPU spinner left running; back, the learner finds it thawed with their work, and can stop it", async () => {
    // A quarter of a CPU: the spinner gets all of it even while other work crowds this
    // shared machine (given a whole CPU, it got 0.2 of it at times, and the guard counts
    // only sandboxes as competitors, so that would not be called its share).
    const service = await start({}, { SANDBOX_CPUS: 0.25 });
    const learner = await readyLearner(service.port);
    await learner.run("echo kept > /root/work");
    // One spinner per CPU, as a careless parallel job would: it can use its whole quota.
    await spin(learner);
    await leave(service, learner, learner.sandbox.id);

    await sweepUntil(service, async () => (await stateOf(learner.sandbox.id)) === "paused", "the spinner's sandbox is paused");
    expect(service.manager.findById(learner.sandbox.id)?.frozen?.cause).toBe("cpu");

    const back = await comeBack(service, learner.learnerId);
    expect((await back.openSandbox()).notice).toMatch(/kept its CPU busy.*runs again.*stop it/);
    await back.openTerminal();
    expect(await back.run("cat /root/work; jobs | wc -l", 30_000)).toMatch(/^kept\s+[1-9]/);
    expect(await back.run("kill $(jobs -p); wait 2>/dev/null; jobs | wc -l", 30_000)).toBe("0");
    back.close();
  });

  it("never freezes a busy sandbox whose learner is there, while the same fork bomb with nobody there is frozen", async () => {
    const service = await start();
    const present = await readyLearner(service.port);
    const absent = await readyLearner(service.port);
    await forkBomb(present);
    await forkBomb(absent);
    await leave(service, absent, absent.sandbox.id);

    await sweepUntil(service, async () => (await stateOf(absent.sandbox.id)) === "paused", "the abandoned fork bomb is paused");
    // The guard has judged both for a whole window: the one with its learner there runs on.
    expect(await stateOf(present.sandbox.id)).toBe("running");
    expect(service.manager.findById(present.sandbox.id)?.frozen).toBeUndefined();
    expect((await present.run("echo still-mine", 30_000)).split("\n")).toContain("still-mine");
    present.close();
  });

  it("keeps a busy sandbox off CPU 0 while it spins, its learner there, and gives it every CPU back once it is quiet", async () => {
    const cpus = availableParallelism();
    if (cpus < 2) return; // nothing to spare on one CPU (cpu-confiner.ts)
    const service = await start();
    const busy = await readyLearner(service.port);
    const quiet = await readyLearner(service.port);
    const cpusetOf = (id: string) => execFileSync("docker", ["inspect", "-f", "{{.HostConfig.CpusetCpus}}", id], { encoding: "utf8" }).trim();
    await spin(busy);
    await sweepUntil(service, () => cpusetOf(busy.sandbox.id) === cpuSetFor(cpus, true), "the spinning sandbox is kept off CPU 0");
    // The spinners run on, confined: the sandbox is neither frozen nor stopped, and the quiet one is left as it was.
    expect(await stateOf(busy.sandbox.id)).toBe("running");
    expect(cpusetOf(quiet.sandbox.id)).toBe("");
    expect(await busy.run("jobs | wc -l", 30_000)).not.toBe("0");
    expect(await busy.run("kill $(jobs -p); wait 2>/dev/null; jobs | wc -l", 30_000)).toBe("0");
    await sweepUntil(service, () => cpusetOf(busy.sandbox.id) === cpuSetFor(cpus, false), "the quiet sandbox has every CPU again");
    busy.close();
    quiet.close();
  });

  it("adopts a frozen sandbox after a restart, still paused; its learner's return thaws it; its idle timer still applies", async () => {
    // A spinner, not a fork bomb: after a restart the learner needs a new shell, which a
    // fork bomb at its limit may refuse (runc cannot start a process in a full pids cgroup:
    // that learner's way out is Reset, as the first test shows). Quarter-CPU: see above.
    const cpus = { SANDBOX_CPUS: 0.25 };
    const first = await start({}, cpus);
    const learner = await readyLearner(first.port);
    const id = learner.sandbox.id;
    await learner.run("echo survived > /root/mark");
    await spin(learner);
    await leave(first, learner, id);
    await sweepUntil(first, async () => (await stateOf(id)) === "paused", "the spinner's sandbox is paused");
    await first.close();

    const clock = { offsetMs: 0 };
    const second = await start({ now: () => Date.now() + clock.offsetMs }, cpus);
    const adopted = second.manager.findById(id);
    expect(adopted?.state).toBe(SandboxState.Ready);
    expect(adopted?.frozen).toBeDefined();
    await second.sweep(); // later sweeps keep it as it is
    expect(await stateOf(id)).toBe("paused");

    const back = await comeBack(second, learner.learnerId);
    const info = await back.openSandbox();
    expect(info.id).toBe(id);
    expect(info.notice).toMatch(/paused because it kept the machine busy.*runs again/);
    await back.openTerminal(); // a new shell: the service's restart ended the old one
    expect(await back.run("cat /root/mark", 30_000)).toBe("survived");

    // Left again, it is frozen again; frozen, it is still removed when its idle time is up.
    await leave(second, back, id);
    await sweepUntil(second, async () => (await stateOf(id)) === "paused", "the sandbox is paused again");
    clock.offsetMs = (config.SANDBOX_IDLE_TIMEOUT_SECONDS + 1) * 1000;
    await second.sweep();
    expect(second.manager.findById(id)).toBeUndefined();
    expect(await engine.inspect(id)).toBeNull();
  });
});
