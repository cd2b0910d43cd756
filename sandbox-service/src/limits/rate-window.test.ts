import { describe, expect, it } from "vitest";
import { RateWindow } from "./rate-window";

describe("RateWindow", () => {
  it("allows max events per key within the window, then refuses until the oldest leaves it", () => {
    let now = 0;
    const window = new RateWindow(3, 60_000, () => now);
    const taken = [];
    for (const at of [0, 10, 20]) {
      now = at;
      taken.push(window.take("a"));
    }
    expect(taken).toEqual([true, true, true]);
    // A flood past the limit is refused and not counted: it does not push the opening back.
    for (let i = 0; i < 100; i++) expect(window.take("a")).toBe(false);
    expect(window.take("b")).toBe(true);
    expect(window.waitMs("a")).toBe(59_980);
    now = 59_999;
    expect(window.take("a")).toBe(false);
    now = 60_000;
    expect(window.waitMs("a")).toBe(0);
    expect(window.take("a")).toBe(true);
    expect(window.take("a")).toBe(false);
  });

  it("forgets keys whose events have all left the window", () => {
    let now = 0;
    const window = new RateWindow(1, 1_000, () => now);
    window.take("a");
    now = 5_000;
    window.prune();
    expect((window as unknown as { times: Map<string, number[]> }).times.size).toBe(0);
    expect(window.take("a")).toBe(true);
  });
});
