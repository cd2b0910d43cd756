import { describe, expect, it } from "vitest";
import type { ContainerUsage } from "../engine/engine";
import { cpuShare, RunawayWatch } from "./runaway-watch";

const SECOND = 1000;
const CORE_SECOND = 1e9; // ns of CPU time

/** Readings every `step` ms from t = 0, each using `cpus` CPUs since the last one, with `pids` processes of 512. */
function readings(...spells: Array<{ for: number; cpus: number; pids?: number; step?: number }>): ContainerUsage[] {
  const out: ContainerUsage[] = [{ readAt: 0, cpuNanos: 0, onlineCpus: 2, pids: spells[0]?.pids ?? 2, pidsLimit: 512 }];
  for (const spell of spells) {
    const step = spell.step ?? 10 * SECOND;
    for (let t = 0; t < spell.for; t += step) {
      const last = out.at(-1)!;
      out.push({ ...last, readAt: last.readAt + step, cpuNanos: last.cpuNanos + (spell.cpus * CORE_SECOND * step) / SECOND, pids: spell.pids ?? 2 });
    }
  }
  return out;
}

/** The cause given at each reading (null: none yet). */
function verdicts(watch: RunawayWatch, usages: ContainerUsage[]): Array<string | null> {
  return usages.map((usage) => watch.observe(usage));
}

describe("RunawayWatch", () => {
  it("freezes a CPU spinner once it has kept its quota busy for a whole window", () => {
    const watch = new RunawayWatch({ windowMs: 60 * SECOND, cpus: 1 });
    // First reading sets the start; the window is full at the 6th interval (60 s).
    expect(verdicts(watch, readings({ for: 60 * SECOND, cpus: 1 }))).toEqual([null, null, null, null, null, null, "cpu"]);
  });

  it("freezes a fork bomb sitting at its process limit, even when it uses little CPU", () => {
    const watch = new RunawayWatch({ windowMs: 30 * SECOND, cpus: 1 });
    // 420 of 512: a fork bomb hovers under its limit as its processes die and are replaced.
    expect(verdicts(watch, readings({ for: 30 * SECOND, cpus: 0.1, pids: 420 })).at(-1)).toBe("pids");
  });

  it("calls a spell a fork bomb once it reached the process limit, even if CPU alone carried its last interval", () => {
    const watch = new RunawayWatch({ windowMs: 40 * SECOND, cpus: 1 });
    // Growing (CPU busy, few processes), at the limit, then dipping under the mark while it burns CPU.
    const usages = readings({ for: 10 * SECOND, cpus: 1, pids: 100 }, { for: 20 * SECOND, cpus: 1, pids: 500 }, { for: 10 * SECOND, cpus: 1, pids: 380 });
    expect(verdicts(watch, usages).at(-1)).toBe("pids");
    // A spinner's spell never reaches the limit: "cpu".
    const spinner = new RunawayWatch({ windowMs: 30 * SECOND, cpus: 1 });
    expect(verdicts(spinner, readings({ for: 30 * SECOND, cpus: 1, pids: 5 })).at(-1)).toBe("cpu");
  });

  it("leaves alone a sandbox that is busy for less than the window, or busy only at times", () => {
    const short = new RunawayWatch({ windowMs: 60 * SECOND, cpus: 1 });
    expect(verdicts(short, readings({ for: 50 * SECOND, cpus: 1 }), )).not.toContain("cpu");
    const onAndOff = new RunawayWatch({ windowMs: 60 * SECOND, cpus: 1 });
    const usages = readings({ for: 40 * SECOND, cpus: 1 }, { for: 10 * SECOND, cpus: 0.1 }, { for: 40 * SECOND, cpus: 1 });
    expect(verdicts(onAndOff, usages).filter(Boolean)).toEqual([]);
  });

  it("judges CPU over the whole interval between readings, however far apart they are", () => {
    // Sweeps 30 s apart: a spinner that got 60% of a core (sharing it with others) in between.
    const watch = new RunawayWatch({ windowMs: 60 * SECOND, cpus: 1 });
    const usages: ContainerUsage[] = [0, 1, 2].map((i) => ({ readAt: i * 30 * SECOND, cpuNanos: i * 18 * CORE_SECOND, onlineCpus: 2, pids: 3, pidsLimit: 512 }));
    expect(verdicts(watch, usages)).toEqual([null, null, "cpu"]);
    // A third of its quota is not "full CPU" (a learner's modest background job).
    const light = new RunawayWatch({ windowMs: 60 * SECOND, cpus: 1 });
    expect(verdicts(light, readings({ for: 120 * SECOND, cpus: 0.3 })).filter(Boolean)).toEqual([]);
  });

  it("judges against the sandbox's share of the CPUs when many want them", () => {
    // 0.3 of a 1-CPU quota is not busy alone, but it is most of a 0.4-CPU share (5 spinners on 2 CPUs).
    const alone = new RunawayWatch({ windowMs: 20 * SECOND, cpus: 1 });
    expect(readings({ for: 20 * SECOND, cpus: 0.3 }).map((u) => alone.observe(u)).at(-1)).toBeNull();
    const crowded = new RunawayWatch({ windowMs: 20 * SECOND, cpus: 1 });
    expect(readings({ for: 20 * SECOND, cpus: 0.3 }).map((u) => crowded.observe(u, cpuShare(2, 5))).at(-1)).toBe("cpu");
  });

  it("takes a quota larger than the machine as the machine's CPUs", () => {
    const watch = new RunawayWatch({ windowMs: 20 * SECOND, cpus: 8 });
    expect(verdicts(watch, readings({ for: 20 * SECOND, cpus: 1.5 })).at(-1)).toBe("cpu");
    expect(verdicts(new RunawayWatch({ windowMs: 20 * SECOND, cpus: 8 }), readings({ for: 20 * SECOND, cpus: 0.9 })).at(-1)).toBeNull();
  });

  it("starts over when the CPU counter goes back (the container restarted) and ignores a repeated reading", () => {
    const watch = new RunawayWatch({ windowMs: 20 * SECOND, cpus: 1 });
    const [first, second] = readings({ for: 20 * SECOND, cpus: 1 });
    expect(watch.observe(first!)).toBeNull();
    expect(watch.observe(second!)).toBeNull();
    expect(watch.observe(second!)).toBeNull(); // same time: nothing to judge
    const restarted = { ...second!, readAt: second!.readAt + 10 * SECOND, cpuNanos: 0 };
    expect(watch.observe(restarted)).toBeNull();
    const next = { ...restarted, readAt: restarted.readAt + 10 * SECOND, cpuNanos: 10 * CORE_SECOND };
    expect(watch.observe(next)).toBeNull(); // 10 s busy since the restart: not a window yet
    expect(watch.observe({ ...next, readAt: next.readAt + 10 * SECOND, cpuNanos: 20 * CORE_SECOND })).toBe("cpu");
  });
});
