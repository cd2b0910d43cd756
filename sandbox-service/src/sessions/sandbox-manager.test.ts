import { describe, expect, it, vi } from "vitest";
import { loadServiceConfig } from "../../../shared/config";
import type { SandboxEndReason, SandboxStatus } from "../../../shared/protocol";
import { EngineUnavailableError } from "../engine/engine";
import { FakeEngine } from "../engine/testing/fake-engine";
import { silentLogger } from "../log/logger";
import { WarmPool } from "../pool/warm-pool";
import { createTemplates } from "../templates/catalog";
import { UserFacingError } from "../user-facing-error";
import { Capacity } from "./capacity";
import { containerName, readIdentity, sandboxLabels } from "./identity";
import { endMessage, queuedMessage, REFILL_QUIET_MS, SandboxManager, type SandboxManagerOptions } from "./sandbox-manager";
import { SandboxState } from "./sandbox";

const MINUTE = 60_000;
const owner = { learner: "learner-aaaaaaaaaaaaaaaa", lesson: "start-here", template: "shell" };
const other = { ...owner, learner: "learner-bbbbbbbbbbbbbbbb" };
const noProgress = () => {};

function setup(overrides: Partial<SandboxManagerOptions> & { poolSize?: number; maxTotal?: number; now?: number } = {}, engine = new FakeEngine()) {
  const clock = { now: overrides.now ?? Date.UTC(2026, 10, 27, 12) };
  const config = loadServiceConfig({ DOJO_SECRET: "x".repeat(32) });
  const templates = createTemplates(config);
  const capacity = new Capacity(overrides.maxTotal ?? 100);
  const pool = new WarmPool(
    engine,
    templates,
    { instance: "unit", sizes: new Map([["shell", overrides.poolSize ?? 0]]), scrollbackBytes: 1024 },
    capacity,
    silentLogger,
    () => clock.now,
  );
  const manager = new SandboxManager(
    engine,
    templates,
    pool,
    capacity,
    {
      instance: "unit",
      idleTimeoutMs: 15 * MINUTE,
      maxLifetimeMs: 120 * MINUTE,
      scrollbackBytes: 1024,
      reapGraceMs: MINUTE,
      maxPerLearner: 3,
      expiryWarningMs: 5 * MINUTE,
      extensionMs: 30 * MINUTE,
      maxExtensions: 2,
      maxTerminals: 8,
      resetsPerMinute: 3,
      playgroundMaxMachines: 5,
      ...overrides,
    },
    silentLogger,
    () => clock.now,
  );
  const ended: Array<[string, SandboxEndReason]> = [];
  manager.on("ended", (sandbox, reason) => ended.push([sandbox.owner.learner, reason]));
  return { engine, clock, manager, pool, ended };
}

/** A container as a previous run would have left it. */
function leftBehind(engine: FakeEngine, at: number, claim?: { learner: string; lesson: string; claimedAt: number; expiresAt: number }, instance = "unit") {
  const short = Math.random().toString(16).slice(2, 10).padEnd(8, "0");
  const name = containerName({
    template: "shell",
    short,
    claim: claim && { learner: claim.learner, lesson: claim.lesson, claimedAt: new Date(claim.claimedAt), expiresAt: new Date(claim.expiresAt) },
  });
  return engine.addContainer(name, sandboxLabels(instance, "shell", new Date(at)));
}

describe("SandboxManager: ownership", () => {
  it("gives each learner a container of their own, named after its owner", async () => {
    const { engine, manager } = setup();
    const a = await manager.open(owner, noProgress);
    const b = await manager.open(other, noProgress);
    expect(a.id).not.toBe(b.id);
    const identity = readIdentity(engine.containers.get(a.id)!.name, engine.containers.get(a.id)!.labels);
    expect(identity?.claim).toMatchObject({ learner: owner.learner, lesson: owner.lesson });
    expect(engine.containers.get(a.id)?.labels).toMatchObject({ "dojo.instance": "unit", "dojo.template": "shell" });
    expect(engine.containers.get(a.id)?.spec?.hostConfig).toMatchObject({ NetworkMode: "none", CapDrop: ["ALL"] });
  });

  it("hands the same sandbox back on the next open", async () => {
    const { engine, manager } = setup();
    const first = await manager.open(owner, noProgress);
    expect((await manager.open(owner, noProgress)).id).toBe(first.id);
    expect(engine.containers.size).toBe(1);
  });

  it("creates one sandbox when two tabs open at the same moment", async () => {
    const { engine, manager } = setup();
    let release!: () => void;
    engine.gate = new Promise((resolve) => (release = resolve));
    const both = Promise.all([manager.open(owner, noProgress), manager.open(owner, noProgress)]);
    release();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(engine.containers.size).toBe(1);
  });

  it("replaces a sandbox whose container died", async () => {
    const { engine, manager, ended } = setup();
    const first = await manager.open(owner, noProgress);
    engine.containers.get(first.id)!.state = "exited";
    const second = await manager.open(owner, noProgress);
    expect(second.id).not.toBe(first.id);
    expect(ended).toEqual([[owner.learner, "gone"]]);
    expect(engine.containers.has(first.id)).toBe(false);
  });

  it("reset removes the old container and creates a new one", async () => {
    const { engine, manager, ended } = setup();
    const old = await manager.open(owner, noProgress);
    const fresh = await manager.reset(owner, noProgress);
    expect(fresh.id).not.toBe(old.id);
    expect([...engine.containers.keys()]).toEqual([fresh.id]);
    expect(ended).toEqual([[owner.learner, "reset"]]);
  });

  it("shares one shell between two tabs opening the same terminal", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    const [a, b] = await Promise.all([
      manager.openTerminal(sandbox, "main", { cols: 80, rows: 24 }),
      manager.openTerminal(sandbox, "main", { cols: 100, rows: 30 }),
    ]);
    expect(a).toBe(b);
    expect(engine.ttys).toHaveLength(1);
  });

  it("refuses a terminal past the limit, even when a flood of opens arrives at once, and makes room when one exits", async () => {
    const { engine, manager } = setup({ maxTerminals: 3 });
    const sandbox = await manager.open(owner, noProgress);
    const size = { cols: 80, rows: 24 };
    // The first shell ("main") started with the sandbox: two more fit.
    const answers = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => manager.openTerminal(sandbox, `t${i}`, size)));
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(2);
    const refusal = answers.find((a) => a.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toMatchObject({ code: "too_many", message: expect.stringMatching(/already has 3 terminals.*exit/) });
    expect(engine.ttys).toHaveLength(3);
    // A terminal already open is still reachable at the limit.
    expect((await manager.openTerminal(sandbox, "t0", size)).isOpen).toBe(true);
    // One shell exits: a new one fits.
    engine.ttys[1]!.output.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await manager.openTerminal(sandbox, "another", size)).isOpen).toBe(true);
  });

  it("starts a new sandbox's first shell with it, so the page's terminal:open finds it started", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    const terminal = await manager.openTerminal(sandbox, "main", { cols: 120, rows: 40 });
    expect(engine.ttys).toHaveLength(1);
    expect(terminal.isOpen).toBe(true);
    expect(await manager.openTerminal(sandbox, "main", { cols: 120, rows: 40 })).toBe(terminal);
  });

  it("refuses resets past the limit per minute without touching the sandbox, and allows them again a minute later", async () => {
    const { clock, manager } = setup({ resetsPerMinute: 2 });
    await manager.open(owner, noProgress);
    await manager.reset(owner, noProgress);
    const kept = await manager.reset(owner, noProgress);
    const refusal = await manager.reset(owner, noProgress).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: "too_many", message: expect.stringMatching(/reset 2 times in the last minute.*still here.*60 seconds/) });
    expect((await manager.open(owner, noProgress)).id).toBe(kept.id);
    // Another learner's resets are their own.
    await manager.open(other, noProgress);
    await manager.reset(other, noProgress);
    clock.now += 60_000;
    expect((await manager.reset(owner, noProgress)).id).not.toBe(kept.id);
  });

  it("explains an unreachable engine in a sentence, and recovers", async () => {
    const { engine, manager } = setup();
    engine.reachable = false;
    const error = await manager.open(owner, noProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: "engine_unavailable" });
    expect((error as Error).message).toMatch(/Docker\) is not reachable/);
    engine.reachable = true;
    expect((await manager.open(owner, noProgress)).state).toBe(SandboxState.Ready);
  });
});

describe("SandboxManager: warm pool", () => {
  it("claims a ready sandbox with its shell already running, renames it to its owner, and refills", async () => {
    const { engine, manager, pool } = setup({ poolSize: 2 });
    await pool.fill();
    expect(pool.readyCount("shell")).toBe(2);
    const pooledIds = [...engine.containers.keys()];
    const sandbox = await manager.open(owner, noProgress);
    expect(pooledIds).toContain(sandbox.id);
    expect(sandbox.terminals.get("main")?.isOpen).toBe(true);
    await vi.waitFor(() =>
      expect(readIdentity(engine.containers.get(sandbox.id)!.name, engine.containers.get(sandbox.id)!.labels)?.claim?.learner).toBe(owner.learner),
    );
    await pool.fill();
    expect(pool.readyCount("shell")).toBe(2);
    expect(engine.containers.size).toBe(3);
  });

  it("hands pooled sandboxes over before Docker has renamed them, and refills only once their renames are done", async () => {
    const { engine, manager, pool } = setup({ poolSize: 2 });
    await pool.fill();
    let renamed!: () => void;
    engine.renameGate = new Promise((resolve) => (renamed = resolve));
    // A room arriving at once: Docker renames one container at a time, and nobody waits for that.
    const [first, second] = await Promise.all([manager.open(owner, noProgress), manager.open(other, noProgress)]);
    expect(first.terminals.get("main")?.isOpen).toBe(true);
    expect(second.terminals.get("main")?.isOpen).toBe(true);
    expect(readIdentity(engine.containers.get(first.id)!.name, engine.containers.get(first.id)!.labels)?.claim).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, REFILL_QUIET_MS * 2));
    expect(engine.containers.size, "a refill started while the claims were being written").toBe(2);
    renamed();
    await vi.waitFor(() => expect(pool.readyCount("shell")).toBe(2));
    expect(engine.containers.size).toBe(4);
    for (const [sandbox, learner] of [[first, owner.learner], [second, other.learner]] as const) {
      expect(readIdentity(engine.containers.get(sandbox.id)!.name, engine.containers.get(sandbox.id)!.labels)?.claim?.learner).toBe(learner);
    }
  });

  it("a restart right after a hand-over, before the rename: that container is reaped, never pooled for someone else", async () => {
    const engine = new FakeEngine();
    const before = setup({ poolSize: 1 }, engine);
    await before.pool.fill();
    engine.renameGate = new Promise(() => {}); // the service dies before Docker renames it
    const handedOver = await before.manager.open(owner, noProgress);
    before.manager.shutdown();

    engine.renameGate = Promise.resolve();
    const after = setup({ poolSize: 1, now: Date.UTC(2026, 10, 27, 12, 0, 5) }, engine);
    expect(await after.manager.reconcile()).toEqual({ adopted: 0, reaped: 1 });
    expect(engine.containers.has(handedOver.id)).toBe(false);
    expect(after.pool.readyCount("shell")).toBe(0);
    expect((await after.manager.open(other, noProgress)).id).not.toBe(handedOver.id);
  });

  it("an extension during the claim's rename keeps the extended expiry in the name", async () => {
    const { engine, clock, manager, pool } = setup({ poolSize: 1, expiryWarningMs: 200 * MINUTE });
    await pool.fill();
    let renamed!: () => void;
    engine.renameGate = new Promise((resolve) => (renamed = resolve));
    const sandbox = await manager.open(owner, noProgress);
    const extending = manager.extend(sandbox);
    renamed();
    const expiresAt = await extending;
    expect(expiresAt.getTime()).toBe(clock.now + 150 * MINUTE);
    const name = engine.containers.get(sandbox.id)!.name;
    expect(readIdentity(name, engine.containers.get(sandbox.id)!.labels)?.claim?.expiresAt).toEqual(expiresAt);
  });

  it("writes a claim the engine refused while away at the next sweep", async () => {
    const { engine, manager, pool } = setup({ poolSize: 1 });
    await pool.fill();
    engine.reachable = false;
    const rename = vi.spyOn(engine, "rename");
    // A warm hand-over asks nothing of the engine; the rename after it fails.
    const sandbox = await manager.open(owner, noProgress);
    await vi.waitFor(() => expect(rename.mock.settledResults).toEqual([{ type: "rejected", value: expect.any(EngineUnavailableError) }]));
    engine.reachable = true;
    expect(readIdentity(engine.containers.get(sandbox.id)!.name, engine.containers.get(sandbox.id)!.labels)?.claim).toBeUndefined();
    await manager.reconcile();
    await vi.waitFor(() =>
      expect(readIdentity(engine.containers.get(sandbox.id)!.name, engine.containers.get(sandbox.id)!.labels)?.claim?.learner).toBe(owner.learner),
    );
    expect(manager.findById(sandbox.id)).toBe(sandbox);
  });

  it("does not take a sandbox created during a sweep for one whose container has gone", async () => {
    const { engine, manager, ended } = setup();
    let listed!: () => void;
    engine.listGate = new Promise((resolve) => (listed = resolve));
    const sweep = manager.reconcile(); // lists the engine's containers: none yet
    const sandbox = await manager.open(owner, noProgress);
    listed();
    await sweep;
    expect(ended).toEqual([]);
    expect(engine.containers.has(sandbox.id)).toBe(true);
    expect(manager.findById(sandbox.id)).toBe(sandbox);
  });

  it("does not reap a pool sandbox while it is being claimed", async () => {
    const { engine, clock, manager, pool } = setup({ poolSize: 1 });
    await pool.fill();
    const [pooledId] = [...engine.containers.keys()];
    clock.now += 10 * MINUTE; // older than the reap grace, like any pool sandbox that waited a while
    let renamed!: () => void;
    engine.renameGate = new Promise((resolve) => (renamed = resolve));
    const opening = manager.open(owner, noProgress);
    await new Promise((resolve) => setImmediate(resolve));
    // The sweep runs while the rename is still in flight.
    await manager.reconcile();
    expect(engine.containers.has(pooledId!)).toBe(true);
    renamed();
    expect((await opening).id).toBe(pooledId);
  });

  it("never hands a claimed pool sandbox to anyone else, even after a restart", async () => {
    const engine = new FakeEngine();
    const before = setup({ poolSize: 1 }, engine);
    await before.pool.fill();
    const claimed = await before.manager.open(owner, noProgress);
    await before.pool.fill();
    before.manager.shutdown();

    const after = setup({ poolSize: 1, now: Date.UTC(2026, 10, 27, 12, 0, 5) }, engine);
    // The claimed one goes back to its owner; the unclaimed one is not pooled again.
    expect(await after.manager.reconcile()).toEqual({ adopted: 1, reaped: 1 });
    expect((await after.manager.open(owner, noProgress)).id).toBe(claimed.id);
    expect((await after.manager.open(other, noProgress)).id).not.toBe(claimed.id);
  });
});

describe("SandboxManager: capacity", () => {
  it("puts learners in line when the platform is full and lets them in as sandboxes go", async () => {
    const { manager } = setup({ maxTotal: 1 });
    const first = await manager.open(owner, noProgress);
    const statuses: SandboxStatus[] = [];
    const waiting = manager.open(other, (s) => statuses.push(s));
    await new Promise((r) => setImmediate(r));
    expect(statuses[0]).toEqual({
      phase: "queued",
      message: "Every sandbox on this platform is in use. You are number 1 in line; yours starts as soon as one is free.",
    });
    await manager.remove(first, "idle");
    expect((await waiting).owner.learner).toBe(other.learner);
  });

  it("says the line is this machine's when other agents may have room", async () => {
    const { manager } = setup({ maxTotal: 1, severalAgents: true });
    const first = await manager.open(owner, noProgress);
    const statuses: SandboxStatus[] = [];
    const waiting = manager.open(other, (s) => statuses.push(s));
    await new Promise((r) => setImmediate(r));
    expect(statuses[0]).toEqual({
      phase: "queued",
      message: "Every sandbox on this machine of the platform is in use. You are number 1 in its line; yours starts here as soon as one is free.",
    });
    // Never "this platform": another agent may well have room.
    expect(queuedMessage(3, true)).not.toContain("this platform");
    await manager.remove(first, "idle");
    expect((await waiting).owner.learner).toBe(other.learner);
  });

  it("takes a learner who leaves out of the line", async () => {
    const { manager } = setup({ maxTotal: 1 });
    await manager.open(owner, noProgress);
    const leaving = new AbortController();
    const waiting = manager.open(other, noProgress, leaving.signal);
    leaving.abort();
    await expect(waiting).rejects.toThrow("You left the queue.");
    expect(manager.queueLength).toBe(0);
  });

  it("limits how many sandboxes one learner has open at once", async () => {
    const { manager } = setup({ maxPerLearner: 2 });
    manager.attach(await manager.open({ ...owner, lesson: "one" }, noProgress), "tab-1");
    manager.attach(await manager.open({ ...owner, lesson: "two" }, noProgress), "tab-2");
    await expect(manager.open({ ...owner, lesson: "three" }, noProgress)).rejects.toMatchObject({
      code: "capacity",
      message: expect.stringMatching(/^You already have 2 sandboxes open in other tabs/),
    });
    expect(manager.list().map((s) => s.owner.lesson)).toEqual(["one", "two"]);
  });

  it("many lessons opened at once at the limit replace one unused sandbox, never more than the limit", async () => {
    const { manager } = setup({ maxPerLearner: 2 });
    await manager.open({ ...owner, lesson: "one" }, noProgress);
    manager.attach(await manager.open({ ...owner, lesson: "two" }, noProgress), "tab-2");
    const results = await Promise.allSettled(["three", "four", "five"].map((lesson) => manager.open({ ...owner, lesson }, noProgress)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(manager.list().filter((s) => s.owner.learner === owner.learner)).toHaveLength(2);
  });

  it("at the limit, the sandbox left longest ago gives way to a new lesson's, and its learner is told why", async () => {
    const { clock, manager, ended } = setup({ maxPerLearner: 2 });
    // Someone else's sandbox, unused for longer than any of this learner's, never gives way to them.
    const others = await manager.open(other, noProgress);
    clock.now += MINUTE;
    const one = await manager.open({ ...owner, lesson: "one" }, noProgress);
    const two = await manager.open({ ...owner, lesson: "two" }, noProgress);
    manager.attach(one, "tab-1");
    manager.attach(two, "tab-2");
    manager.detach(two, "tab-2");
    clock.now += MINUTE;
    manager.detach(one, "tab-1");
    await manager.open({ ...owner, lesson: "three" }, noProgress);
    expect(manager.list().filter((s) => s.owner.learner === owner.learner).map((s) => s.owner.lesson).sort()).toEqual(["one", "three"]);
    expect(manager.list()).toContain(others);
    expect(ended).toEqual([[owner.learner, "replaced"]]);
    expect(endMessage("replaced")).toMatch(/make room for one you opened in another lesson/);
  });
});

describe("SandboxManager: timers", () => {
  it("removes a sandbox after the idle timeout with no terminal attached, not before", async () => {
    const { engine, clock, manager, ended } = setup();
    const sandbox = await manager.open(owner, noProgress);
    manager.attach(sandbox, "tab-1");
    clock.now += 60 * MINUTE;
    await manager.applyTimers();
    expect(engine.containers.has(sandbox.id)).toBe(true);
    manager.detach(sandbox, "tab-1");
    clock.now += 14 * MINUTE;
    await manager.applyTimers();
    expect(engine.containers.has(sandbox.id)).toBe(true);
    clock.now += 1 * MINUTE;
    await manager.applyTimers();
    expect(engine.containers.has(sandbox.id)).toBe(false);
    expect(sandbox.state).toBe(SandboxState.Gone);
    expect(ended).toEqual([[owner.learner, "idle"]]);
  });

  it("warns once before the maximum lifetime, extends it durably, and stops extending at the limit", async () => {
    const { engine, clock, manager, ended } = setup();
    const sandbox = await manager.open(owner, noProgress);
    manager.attach(sandbox, "tab-1");
    const warnings: string[] = [];
    manager.on("expiring", (s) => warnings.push(s.expiresAt.toISOString()));
    clock.now += 114 * MINUTE;
    await manager.applyTimers();
    expect(warnings).toHaveLength(0);
    clock.now += 2 * MINUTE;
    await manager.applyTimers();
    await manager.applyTimers();
    expect(warnings).toHaveLength(1);

    const extended = await manager.extend(sandbox);
    expect(extended.getTime() - clock.now).toBe(34 * MINUTE);
    // The new expiry is in the container's name, where a restarted service reads it.
    expect(readIdentity(engine.containers.get(sandbox.id)!.name, engine.containers.get(sandbox.id)!.labels)?.claim?.expiresAt).toEqual(extended);
    await manager.extend(sandbox);
    expect(manager.canExtend(sandbox)).toBe(false);
    await expect(manager.extend(sandbox)).rejects.toMatchObject({ code: "capacity" });

    clock.now = sandbox.expiresAt.getTime();
    await manager.applyTimers();
    expect(ended).toEqual([[owner.learner, "lifetime"]]);
    expect(engine.containers.has(sandbox.id)).toBe(false);
  });
});

describe("SandboxManager: reconcile", () => {
  it("re-adopts its own claimed sandboxes after a restart", async () => {
    const { engine, clock, manager } = setup();
    const id = leftBehind(engine, clock.now - 10 * MINUTE, { ...owner, claimedAt: clock.now - 10 * MINUTE, expiresAt: clock.now + 60 * MINUTE });
    expect(await manager.reconcile()).toEqual({ adopted: 1, reaped: 0 });
    const sandbox = await manager.open(owner, noProgress);
    expect(sandbox.id).toBe(id);
    expect(sandbox.expiresAt.getTime()).toBe(Math.floor((clock.now + 60 * MINUTE) / 1000) * 1000);
  });

  it("reaps what nobody owns: stopped, expired, unreadable, duplicate or surplus containers of its instance", async () => {
    const { engine, clock, manager } = setup({ poolSize: 0 });
    const old = clock.now - 5 * MINUTE;
    const live = { claimedAt: old, expiresAt: clock.now + 60 * MINUTE };
    const keep = leftBehind(engine, old, { ...owner, ...live });
    const duplicate = leftBehind(engine, old, { ...owner, ...live });
    const expired = leftBehind(engine, old, { ...other, claimedAt: old, expiresAt: clock.now - 1000 });
    const stopped = leftBehind(engine, old, { ...other, ...live });
    engine.containers.get(stopped)!.state = "exited";
    const surplusPool = leftBehind(engine, old);
    const unreadable = engine.addContainer("dojo-whatever", { "dojo.managed": "true", "dojo.instance": "unit" });
    const otherInstance = leftBehind(engine, old, { ...other, ...live }, "someone-else");
    const unlabelled = engine.addContainer("not-ours", {});
    expect(await manager.reconcile()).toEqual({ adopted: 1, reaped: 5 });
    expect([...engine.containers.keys()].sort()).toEqual([keep, otherInstance, unlabelled].sort());
    for (const id of [duplicate, expired, stopped, surplusPool, unreadable]) expect(engine.containers.has(id)).toBe(false);
  });

  it("leaves a young untracked container alone: it may be one being created right now", async () => {
    const { engine, clock, manager } = setup();
    await manager.open(owner, noProgress);
    const young = leftBehind(engine, clock.now - 5_000, { ...owner, claimedAt: clock.now, expiresAt: clock.now + MINUTE * 100 });
    await manager.reconcile();
    expect(engine.containers.has(young)).toBe(true);
    clock.now += 2 * MINUTE;
    await manager.reconcile();
    expect(engine.containers.has(young)).toBe(false);
  });
});

describe("SandboxManager: removal", () => {
  it("does not re-adopt a sandbox whose container is still being removed", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    let release!: () => void;
    engine.removeGate = new Promise((resolve) => (release = resolve));
    const removal = manager.remove(sandbox, "reset");
    expect(await manager.reconcile()).toEqual({ adopted: 0, reaped: 0 });
    expect(manager.list()).toEqual([]);
    release();
    await removal;
    expect(engine.containers.size).toBe(0);
  });
});

describe("SandboxManager: frozen sandboxes", () => {
  it("freezes only a sandbox nobody is attached to, and a visit thaws it with a sentence, once", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    manager.attach(sandbox, "socket-1");
    expect(await manager.freeze(sandbox, "pids")).toBe(false);
    manager.detach(sandbox, "socket-1");
    expect(await manager.freeze(sandbox, "pids")).toBe(true);
    expect(engine.containers.get(sandbox.id)?.state).toBe("paused");
    expect(sandbox.state).toBe(SandboxState.Ready);

    // The next open hands back the same sandbox (paused is alive, not gone)...
    expect((await manager.open(owner, noProgress)).id).toBe(sandbox.id);
    // ...and the thaw says why; a second thaw (another tab) has nothing to say.
    const [first, second] = await Promise.all([manager.thaw(sandbox), manager.thaw(sandbox)]);
    expect(first).toMatch(/limit of running processes.*paused.*runs again.*Reset sandbox/);
    expect(second).toBeUndefined();
    expect(engine.containers.get(sandbox.id)?.state).toBe("running");
    expect(sandbox.frozen).toBeUndefined();
  });

  it("thaws before starting a shell, even without a sandbox:open first", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    await manager.freeze(sandbox, "cpu");
    await manager.openTerminal(sandbox, "main", { cols: 80, rows: 24 });
    expect(engine.containers.get(sandbox.id)?.state).toBe("running");
    expect(engine.ttys).toHaveLength(1);
  });

  it("does not let a thaw overtake a freeze still in flight", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    let paused!: () => void;
    const pause = engine.pause.bind(engine);
    engine.pause = async (id) => {
      await new Promise<void>((resolve) => (paused = resolve));
      return pause(id);
    };
    const freezing = manager.freeze(sandbox, "cpu");
    const thawing = manager.thaw(sandbox);
    await new Promise((resolve) => setImmediate(resolve));
    paused();
    expect(await freezing).toBe(true);
    expect(await thawing).toMatch(/CPU/);
    expect(engine.containers.get(sandbox.id)?.state).toBe("running");
  });

  it("keeps the idle and lifetime timers running while frozen", async () => {
    const { engine, clock, manager, ended } = setup();
    const idle = await manager.open(owner, noProgress);
    const alsoIdle = await manager.open(other, noProgress);
    await manager.freeze(idle, "pids");
    await manager.freeze(alsoIdle, "cpu");
    clock.now += 16 * MINUTE;
    await manager.reconcile();
    await manager.applyTimers();
    expect(ended).toEqual([[owner.learner, "idle"], [other.learner, "idle"]]);
    expect(engine.containers.size).toBe(0);

    const late = setup({ idleTimeoutMs: 1000 * MINUTE });
    const sandbox = await late.manager.open(owner, noProgress);
    await late.manager.freeze(sandbox, "cpu");
    late.clock.now = sandbox.expiresAt.getTime();
    await late.manager.applyTimers();
    expect(late.ended).toEqual([[owner.learner, "lifetime"]]);
    expect(late.engine.containers.has(sandbox.id)).toBe(false);
  });

  it("adopts a frozen sandbox after a restart, still paused, and its learner's visit thaws it", async () => {
    const engine = new FakeEngine();
    const before = setup({}, engine);
    const sandbox = await before.manager.open(owner, noProgress);
    await before.manager.freeze(sandbox, "pids");
    before.manager.shutdown();

    const after = setup({}, engine);
    after.clock.now += 10 * MINUTE; // past the reap grace: only adoption keeps it
    expect(await after.manager.reconcile()).toEqual({ adopted: 1, reaped: 0 });
    const adopted = after.manager.findById(sandbox.id)!;
    expect(adopted.frozen?.cause).toBe("unknown");
    expect(engine.containers.get(sandbox.id)?.state).toBe("paused");
    await after.manager.reconcile(); // a second sweep keeps it as it is
    expect(engine.containers.get(sandbox.id)?.state).toBe("paused");

    expect((await after.manager.open(owner, noProgress)).id).toBe(sandbox.id);
    expect(await after.manager.thaw(adopted)).toMatch(/paused because it kept the machine busy/);
    expect(engine.containers.get(sandbox.id)?.state).toBe("running");
  });

  it("follows its container when someone else pauses or unpauses it", async () => {
    const { engine, manager } = setup();
    const sandbox = await manager.open(owner, noProgress);
    await engine.pause(sandbox.id);
    await manager.reconcile();
    expect(sandbox.frozen?.cause).toBe("unknown");
    await engine.unpause(sandbox.id);
    await manager.reconcile();
    expect(sandbox.frozen).toBeUndefined();
  });

  it("does not adopt a paused container into the warm pool", async () => {
    const { engine, clock, manager, pool } = setup({ poolSize: 1 });
    const unclaimed = leftBehind(engine, clock.now - 10 * MINUTE);
    engine.containers.get(unclaimed)!.state = "paused";
    expect(await manager.reconcile()).toEqual({ adopted: 0, reaped: 1 });
    expect(pool.readyCount("shell")).toBe(0);
  });
});

describe("SandboxManager: playground machines", () => {
  const machine = (n: number, learner = owner.learner) => ({ learner, lesson: `play-node${n}`, template: "docker" });

  it("puts a learner's machines on one private network of theirs, reached by name", async () => {
    const { engine, manager } = setup();
    const node1 = await manager.open(machine(1), noProgress);
    const node2 = await manager.open(machine(2), noProgress);
    const theirs = await manager.open(machine(1, other.learner), noProgress);
    const spec = (id: string) => engine.containers.get(id)!.spec!;
    expect(spec(node1.id).network).toEqual({ name: spec(node2.id).network!.name, aliases: ["node1"] });
    expect(spec(node2.id).hostConfig).toMatchObject({ NetworkMode: spec(node2.id).network!.name });
    expect(spec(node2.id).hostname).toBe("node2");
    expect(spec(theirs.id).network!.name).not.toBe(spec(node1.id).network!.name);
    expect(engine.networks.size).toBe(2);
    expect([...engine.networks.values()].every((n) => n.labels["dojo.instance"] === "unit")).toBe(true);
  });

  it("gives machines added later the session's lifetime, and extends them together", async () => {
    const { clock, manager } = setup();
    const node1 = await manager.open(machine(1), noProgress);
    clock.now += 30 * MINUTE;
    const node2 = await manager.open(machine(2), noProgress);
    expect(node2.expiresAt).toEqual(node1.expiresAt);
    await manager.extend(node2);
    expect(node1.expiresAt).toEqual(node2.expiresAt);
    expect(node1.expiresAt.getTime()).toBe(node1.claimedAt.getTime() + 150 * MINUTE);
  });

  it("refuses machines past the limit, and counts a whole playground as one sandbox of its learner", async () => {
    const { manager, ended } = setup({ playgroundMaxMachines: 3, maxPerLearner: 2 });
    for (const n of [1, 2, 3]) await manager.open(machine(n), noProgress);
    await expect(manager.open(machine(4), noProgress)).rejects.toMatchObject({ code: "too_many", message: expect.stringMatching(/at most 3 machines/) });
    manager.attach(await manager.open(owner, noProgress), "lesson-tab");
    manager.attach(manager.machines(owner.learner)[1]!, "play-tab");
    await expect(manager.open({ ...owner, lesson: "images" }, noProgress)).rejects.toMatchObject({ code: "capacity" });
    // Once the playground's tab is closed, the whole playground gives way: no machine is left alone.
    manager.detach(manager.machines(owner.learner)[1]!, "play-tab");
    await manager.open({ ...owner, lesson: "images" }, noProgress);
    expect(manager.machines(owner.learner)).toEqual([]);
    expect(ended).toEqual([
      [owner.learner, "replaced"],
      [owner.learner, "replaced"],
      [owner.learner, "replaced"],
    ]);
  });

  it("removes the network with the last machine, and reconcile reaps one left behind", async () => {
    const { engine, clock, manager } = setup();
    const node1 = await manager.open(machine(1), noProgress);
    const node2 = await manager.open(machine(2), noProgress);
    await manager.remove(node2, "removed");
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.networks.size).toBe(1);
    await manager.remove(node1, "removed");
    await expect.poll(() => engine.networks.size).toBe(0);
    await engine.ensureNetwork({ name: "dojo-play-left", labels: { "dojo.managed": "true", "dojo.instance": "unit", "dojo.network": "playground" } });
    clock.now += 2 * MINUTE;
    engine.networks.get("dojo-play-left")!.createdAt = new Date(clock.now - 2 * MINUTE);
    await manager.reconcile();
    expect(engine.networks.size).toBe(0);
  });
});

describe("SandboxManager: a lesson's machines", () => {
  const lessonMachine = (n: number, lesson = "registries", learner = owner.learner) => ({ learner, lesson: `${lesson}-node${n}`, template: "docker" });
  const playMachine = (n: number) => ({ learner: owner.learner, lesson: `play-node${n}`, template: "docker" });

  it("keeps each lesson's machines and the playground's apart: own list, own network, own lifetime", async () => {
    const { engine, clock, manager } = setup();
    const play1 = await manager.open(playMachine(1), noProgress);
    clock.now += 30 * MINUTE;
    const reg1 = await manager.open(lessonMachine(1), noProgress);
    const reg2 = await manager.open(lessonMachine(2), noProgress);
    expect(manager.machines(owner.learner).map((m) => m.id)).toEqual([play1.id]);
    expect(manager.machines(owner.learner, "registries").map((m) => m.machine)).toEqual(["node1", "node2"]);
    const network = (id: string) => engine.containers.get(id)!.spec!.network!.name;
    expect(network(reg1.id)).toBe(network(reg2.id));
    expect(network(reg1.id)).not.toBe(network(play1.id));
    // The lesson's session started with its own first machine, not with the playground.
    expect(reg2.expiresAt).toEqual(reg1.expiresAt);
    expect(reg1.expiresAt.getTime()).toBeGreaterThan(play1.expiresAt.getTime());
    await manager.extend(reg2);
    expect(reg1.expiresAt).toEqual(reg2.expiresAt);
    expect(play1.expiresAt.getTime()).toBeLessThan(reg1.expiresAt.getTime());
  });

  it("counts a lesson's machines as one sandbox of its learner, and removes its network with the last one", async () => {
    const { engine, manager } = setup({ maxPerLearner: 2 });
    const reg1 = await manager.open(lessonMachine(1), noProgress);
    const reg2 = await manager.open(lessonMachine(2), noProgress);
    manager.attach(reg1, "lesson-tab");
    manager.attach(await manager.open(owner, noProgress), "other-tab");
    await expect(manager.open({ ...owner, lesson: "images" }, noProgress)).rejects.toMatchObject({ code: "capacity" });
    manager.detach(reg1, "lesson-tab");
    await manager.remove(reg1, "reset");
    await manager.remove(reg2, "reset");
    await expect.poll(() => engine.networks.size).toBe(0);
  });
});
