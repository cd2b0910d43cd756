import { describe, expect, it } from "vitest";
import { loadServiceConfig } from "../../../shared/config";
import type { ContainerUsage } from "../engine/engine";
import { FakeEngine } from "../engine/testing/fake-engine";
import { silentLogger } from "../log/logger";
import { WarmPool } from "../pool/warm-pool";
import type { Sandbox } from "../sessions/sandbox";
import { Capacity } from "../sessions/capacity";
import { SandboxManager } from "../sessions/sandbox-manager";
import { createTemplates } from "../templates/catalog";
import { RunawayGuard } from "./runaway-guard";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const owner = { learner: "learner-aaaaaaaaaaaaaaaa", lesson: "start-here", template: "shell" };
const neighbour = { ...owner, learner: "learner-bbbbbbbbbbbbbbbb" };

function setup(windowMs = MINUTE) {
  const engine = new FakeEngine();
  const clock = { now: Date.UTC(2026, 10, 27, 12) };
  const templates = createTemplates(loadServiceConfig({ DOJO_SECRET: "x".repeat(32) }));
  const capacity = new Capacity(100);
  const pool = new WarmPool(engine, templates, { instance: "unit", sizes: new Map([["shell", 0]]), scrollbackBytes: 1024 }, capacity, silentLogger, () => clock.now);
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
    },
    silentLogger,
    () => clock.now,
  );
  const guard = new RunawayGuard(engine, manager, { windowMs, cpus: 1 }, silentLogger);
  const frozen: string[] = [];
  manager.on("frozen", (sandbox, cause) => frozen.push(`${sandbox.owner.learner}: ${cause}`));

  /** The engine's next reading of a sandbox: `seconds` later, having used `cpus` CPUs meanwhile, with `pids` processes of 512. */
  const advance = (sandbox: Sandbox, seconds: number, cpus: number, pids = 3) => {
    const last = engine.usages.get(sandbox.id) ?? { readAt: 0, cpuNanos: 0, onlineCpus: 2, pids, pidsLimit: 512 };
    const next: ContainerUsage = { ...last, readAt: last.readAt + seconds * SECOND, cpuNanos: last.cpuNanos + cpus * seconds * 1e9, pids };
    engine.usages.set(sandbox.id, next);
  };
  return { engine, clock, manager, guard, frozen, advance };
}

describe("RunawayGuard", () => {
  it("freezes a sandbox nobody watches once it has spun at full CPU for a whole window, and leaves a quiet one alone", async () => {
    const { engine, manager, guard, frozen, advance } = setup();
    const spinning = await manager.open(owner, () => {});
    const quiet = await manager.open(neighbour, () => {});
    for (let sweep = 0; sweep <= 2; sweep++) {
      advance(spinning, 30, 1);
      advance(quiet, 30, 0.2);
      await guard.check();
    }
    expect(frozen).toEqual([`${owner.learner}: cpu`]);
    expect(spinning.frozen?.cause).toBe("cpu");
    expect(engine.containers.get(spinning.id)?.state).toBe("paused");
    expect(engine.containers.get(quiet.id)?.state).toBe("running");
    // Frozen sandboxes are not read again.
    advance(spinning, 30, 0);
    await guard.check();
    expect(frozen).toHaveLength(1);
  });

  it("freezes a fork bomb at its process limit as such", async () => {
    const { manager, guard, frozen, advance } = setup(20 * SECOND);
    const bomb = await manager.open(owner, () => {});
    for (let sweep = 0; sweep <= 2; sweep++) {
      advance(bomb, 10, 1, 500);
      await guard.check();
    }
    expect(frozen).toEqual([`${owner.learner}: pids`]);
  });

  it("never freezes a sandbox whose learner is attached, however busy", async () => {
    const { manager, guard, frozen, advance } = setup();
    const busy = await manager.open(owner, () => {});
    manager.attach(busy, "socket-1");
    for (let sweep = 0; sweep < 10; sweep++) {
      advance(busy, 30, 1, 500);
      await guard.check();
    }
    expect(frozen).toEqual([]);
    expect(busy.frozen).toBeUndefined();
  });

  it("starts the window again after a visit, even a short one between two sweeps", async () => {
    const { clock, manager, guard, frozen, advance } = setup();
    const busy = await manager.open(owner, () => {});
    advance(busy, 30, 1);
    await guard.check();
    advance(busy, 30, 1);
    await guard.check(); // busy for 30 s of the 60
    clock.now += 45 * SECOND;
    manager.attach(busy, "socket-1");
    manager.detach(busy, "socket-1"); // a reload, between sweeps
    advance(busy, 30, 1);
    await guard.check(); // a new spell's first reading
    advance(busy, 30, 1);
    await guard.check();
    expect(frozen).toEqual([]);
    advance(busy, 30, 1);
    await guard.check();
    expect(frozen).toEqual([`${owner.learner}: cpu`]);
  });

  it("freezes spinners crowding the machine, each getting less than half its quota, by their share of it", async () => {
    const { manager, guard, frozen, advance } = setup();
    // Five learners left spinners; on 2 CPUs each gets 0.4 of its 1-CPU quota.
    const spinners = await Promise.all([1, 2, 3, 4, 5].map((i) => manager.open({ ...owner, learner: `learner-${String(i).repeat(16)}` }, () => {})));
    for (let sweep = 0; sweep <= 2; sweep++) {
      for (const spinner of spinners) advance(spinner, 30, 0.4);
      await guard.check();
    }
    expect(frozen).toHaveLength(5);
  });

  it("counts busy sandboxes whose learners are there as competitors for the CPUs, without freezing them", async () => {
    const { manager, guard, frozen, advance } = setup();
    const present = await Promise.all([1, 2, 3].map((i) => manager.open({ ...owner, learner: `learner-${String(i).repeat(16)}` }, () => {})));
    present.forEach((sandbox, i) => manager.attach(sandbox, `socket-${i}`));
    const left = await manager.open(neighbour, () => {});
    for (let sweep = 0; sweep <= 2; sweep++) {
      // Four sandboxes busy on 2 CPUs: the one left behind gets 0.45, under half its quota but most of its share.
      for (const sandbox of [...present, left]) advance(sandbox, 30, 0.45);
      await guard.check();
    }
    expect(frozen).toEqual([`${neighbour.learner}: cpu`]);
  });

  it("tries again at the next sweep when the engine could not freeze it", async () => {
    const { engine, manager, guard, frozen, advance } = setup(20 * SECOND);
    const bomb = await manager.open(owner, () => {});
    const pause = engine.pause.bind(engine);
    engine.pause = async () => {
      throw new Error("OCI runtime pause failed: unable to freeze");
    };
    for (let sweep = 0; sweep <= 2; sweep++) {
      advance(bomb, 10, 1, 500);
      await guard.check();
    }
    expect(frozen).toEqual([]);
    engine.pause = pause;
    advance(bomb, 10, 1, 500);
    await guard.check();
    expect(frozen).toEqual([`${owner.learner}: pids`]);
  });

  it("does nothing when switched off (window 0)", async () => {
    const { engine, manager, guard, frozen, advance } = setup(0);
    const busy = await manager.open(owner, () => {});
    for (let sweep = 0; sweep < 5; sweep++) {
      advance(busy, 60, 1, 500);
      await guard.check();
    }
    expect(frozen).toEqual([]);
    expect(engine.containers.get(busy.id)?.state).toBe("running");
  });

  it("keeps going when the engine cannot be read, and freezes once it can", async () => {
    const { engine, manager, guard, frozen, advance } = setup(20 * SECOND);
    const busy = await manager.open(owner, () => {});
    engine.reachable = false;
    await guard.check();
    engine.reachable = true;
    for (let sweep = 0; sweep <= 2; sweep++) {
      advance(busy, 10, 1);
      await guard.check();
    }
    expect(frozen).toEqual([`${owner.learner}: cpu`]);
  });
});
