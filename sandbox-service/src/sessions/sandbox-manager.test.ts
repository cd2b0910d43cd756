import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/config";
import type { SandboxEndReason } from "../../../shared/protocol";
import { FakeEngine } from "../engine/testing/fake-engine";
import { silentLogger } from "../log/logger";
import { createTemplates } from "../templates/registry";
import { UserFacingError } from "./errors";
import { sandboxLabels } from "./labels";
import { SandboxManager } from "./sandbox-manager";
import { SandboxState } from "./sandbox";

const MINUTE = 60_000;
const owner = { learner: "learner-aaaaaaaaaaaaaaaa", lesson: "inside-a-container", template: "shell" };
const other = { ...owner, learner: "learner-bbbbbbbbbbbbbbbb" };
const noProgress = () => {};

function setup() {
  const engine = new FakeEngine();
  const clock = { now: Date.UTC(2026, 10, 27, 12) };
  const config = loadConfig({ DOJO_SECRET: "x".repeat(32) });
  const manager = new SandboxManager(
    engine,
    createTemplates(config),
    { instance: "unit", idleTimeoutMs: 15 * MINUTE, maxLifetimeMs: 120 * MINUTE, scrollbackBytes: 1024, reapGraceMs: MINUTE },
    silentLogger,
    () => clock.now,
  );
  const ended: Array<[string, SandboxEndReason]> = [];
  manager.on("ended", (sandbox, reason) => ended.push([sandbox.owner.learner, reason]));
  return { engine, clock, manager, ended };
}

describe("SandboxManager", () => {
  it("gives each learner a container of their own, labelled with its owner", async () => {
    const { engine, manager } = setup();
    const a = await manager.open(owner, noProgress);
    const b = await manager.open(other, noProgress);
    expect(a.id).not.toBe(b.id);
    expect(engine.containers.get(a.id)?.labels).toMatchObject({ "dojo.learner": owner.learner, "dojo.instance": "unit", "dojo.template": "shell" });
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

  it("reports progress while creating", async () => {
    const { manager } = setup();
    const phases: string[] = [];
    await manager.open(owner, (s) => phases.push(s.message));
    expect(phases).toEqual(["Creating your sandbox…"]);
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

  it("removes a sandbox at its maximum lifetime even while attached", async () => {
    const { engine, clock, manager, ended } = setup();
    const sandbox = await manager.open(owner, noProgress);
    manager.attach(sandbox, "tab-1");
    clock.now += 120 * MINUTE;
    await manager.applyTimers();
    expect(engine.containers.has(sandbox.id)).toBe(false);
    expect(ended).toEqual([[owner.learner, "lifetime"]]);
  });

  it("reset removes the old container and creates a new one", async () => {
    const { engine, manager, ended } = setup();
    const old = await manager.open(owner, noProgress);
    const fresh = await manager.reset(owner, noProgress);
    expect(fresh.id).not.toBe(old.id);
    expect([...engine.containers.keys()]).toEqual([fresh.id]);
    expect(ended).toEqual([[owner.learner, "reset"]]);
  });

  it("re-adopts its own running sandboxes after a restart", async () => {
    const { engine, clock, manager } = setup();
    const id = engine.addContainer(sandboxLabels("unit", owner, new Date(clock.now - 10 * MINUTE)));
    expect(await manager.reconcile()).toEqual({ adopted: 1, reaped: 0 });
    expect((await manager.open(owner, noProgress)).id).toBe(id);
  });

  it("reaps what nobody owns: stopped, expired, unreadable or duplicate containers of its instance", async () => {
    const { engine, clock, manager } = setup();
    const old = new Date(clock.now - 5 * MINUTE);
    const keep = engine.addContainer(sandboxLabels("unit", owner, old));
    const stopped = engine.addContainer(sandboxLabels("unit", other, old), "exited");
    const expired = engine.addContainer(sandboxLabels("unit", other, new Date(clock.now - 121 * MINUTE)));
    const unreadable = engine.addContainer({ "dojo.managed": "true", "dojo.instance": "unit" });
    const duplicate = engine.addContainer(sandboxLabels("unit", owner, old));
    const otherInstance = engine.addContainer(sandboxLabels("someone-else", other, old));
    const unlabelled = engine.addContainer({});
    expect(await manager.reconcile()).toEqual({ adopted: 1, reaped: 4 });
    expect([...engine.containers.keys()].sort()).toEqual([keep, otherInstance, unlabelled].sort());
    for (const id of [stopped, expired, unreadable, duplicate]) expect(engine.containers.has(id)).toBe(false);
  });

  it("leaves a young untracked container alone: it may be one being created right now", async () => {
    const { engine, clock, manager } = setup();
    await manager.open(owner, noProgress);
    const young = engine.addContainer(sandboxLabels("unit", owner, new Date(clock.now - 5_000)));
    await manager.reconcile();
    expect(engine.containers.has(young)).toBe(true);
    clock.now += 2 * MINUTE;
    await manager.reconcile();
    expect(engine.containers.has(young)).toBe(false);
  });

  it("explains an unreachable engine in a sentence", async () => {
    const { engine, manager } = setup();
    engine.reachable = false;
    const error = await manager.open(owner, noProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: "engine_unavailable" });
    expect((error as Error).message).toMatch(/Docker\) is not reachable/);
    engine.reachable = true;
    expect((await manager.open(owner, noProgress)).state).toBe(SandboxState.Ready);
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
});
