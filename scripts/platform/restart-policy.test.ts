import { describe, expect, it } from "vitest";
import { RestartPolicy } from "./restart-policy";

const options = { firstDelayMs: 1000, maxDelayMs: 8000, maxCrashes: 5, windowMs: 60_000 };

function policyAt(start = 0) {
  const clock = { now: start };
  return { clock, policy: new RestartPolicy(options, () => clock.now) };
}

describe("RestartPolicy", () => {
  it("restarts a crashed process quickly, then backs off by doubling up to the cap", () => {
    const { clock, policy } = policyAt();
    const delays: Array<number | null> = [];
    for (let i = 0; i < 5; i++) {
      delays.push(policy.crashed());
      clock.now += 1000;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("gives up on the crash past the limit within the window", () => {
    const { clock, policy } = policyAt();
    for (let i = 0; i < 5; i++) {
      expect(policy.crashed()).not.toBeNull();
      clock.now += 5000;
    }
    expect(policy.crashed()).toBeNull();
  });

  it("forgets crashes older than the window: a crash after a quiet hour restarts at once", () => {
    const { clock, policy } = policyAt();
    for (let i = 0; i < 5; i++) policy.crashed();
    clock.now += 60_000;
    expect(policy.recentCrashes).toBe(0);
    expect(policy.crashed()).toBe(1000);
    expect(policy.recentCrashes).toBe(1);
  });

  it("counts crashes spread wider than the window as separate incidents", () => {
    const { clock, policy } = policyAt();
    // One crash every 20 s never has more than 3 in any 60 s: it is never given up on.
    for (let i = 0; i < 20; i++) {
      expect(policy.crashed()).not.toBeNull();
      clock.now += 20_000;
    }
  });
});
