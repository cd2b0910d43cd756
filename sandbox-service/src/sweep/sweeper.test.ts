import { describe, expect, it } from "vitest";
import type { Logger } from "../log/logger";
import { Sweeper, type SweepStep } from "./sweeper";

const warnings: string[] = [];
const log = { info: () => {}, warn: (message: string) => void warnings.push(message), error: () => {} } as unknown as Logger;

function step(name: string, trace: string[], options: { fail?: boolean; onFailure?: SweepStep["onFailure"]; gate?: Promise<void> } = {}): SweepStep {
  return {
    name,
    onFailure: options.onFailure ?? "stop",
    run: async () => {
      trace.push(`${name} start`);
      await options.gate;
      trace.push(`${name} end`);
      if (options.fail) throw new Error(`${name} broke`);
    },
  };
}

describe("Sweeper", () => {
  it("runs the steps in order, one sweep at a time: a sweep asked for meanwhile is the same one", async () => {
    const trace: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sweeper = new Sweeper([step("reconcile", trace, { gate }), step("timers", trace)], log);
    const first = sweeper.sweep();
    const second = sweeper.sweep();
    expect(second).toBe(first);
    open();
    await first;
    expect(trace).toEqual(["reconcile start", "reconcile end", "timers start", "timers end"]);
    await sweeper.sweep();
    expect(trace).toHaveLength(8);
  });

  it("ends a sweep at a failing step that later ones depend on, goes on past one that may fail, and sweeps again next time", async () => {
    const trace: string[] = [];
    warnings.length = 0;
    let engineDown = true;
    const sweeper = new Sweeper(
      [
        { name: "reconcile", onFailure: "stop", run: async () => { trace.push("reconcile"); if (engineDown) throw new Error("engine away"); } },
        step("workshops", trace, { fail: true, onFailure: "continue" }),
        step("pool", trace),
      ],
      log,
    );
    await expect(sweeper.sweep()).resolves.toBeUndefined();
    expect(trace).toEqual(["reconcile"]);
    expect(warnings).toEqual(["sweep: reconcile failed; retrying at the next sweep"]);
    engineDown = false;
    await sweeper.sweep();
    expect(trace).toEqual(["reconcile", "reconcile", "workshops start", "workshops end", "pool start", "pool end"]);
    expect(warnings.at(-1)).toBe("sweep: workshops failed; the rest of the sweep goes on");
  });

  it("stops sweeping on its own, and stop() waits for the sweep under way", async () => {
    const trace: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sweeper = new Sweeper([step("slow", trace, { gate })], log);
    sweeper.start(60_000);
    const running = sweeper.sweep();
    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    open();
    await stopping;
    await running;
    expect(trace).toEqual(["slow start", "slow end"]);
  });
});
