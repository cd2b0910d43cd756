import { describe, expect, it } from "vitest";
import { Capacity } from "./capacity";

describe("Capacity", () => {
  it("counts what every part holds against the maximum, and keeps spare places for learners who wait", () => {
    const capacity = new Capacity(5);
    let claimed = 2;
    let pooled = 2;
    let waiting = 0;
    capacity.countHeld(() => claimed);
    capacity.countHeld(() => pooled);
    capacity.countWaiting(() => waiting);
    expect(capacity.total).toBe(4);
    expect(capacity.hasRoom()).toBe(true);
    expect(capacity.hasRoomToSpare()).toBe(true);
    // A learner in line: the place left is theirs, not the pool's.
    waiting = 1;
    expect(capacity.hasRoom()).toBe(true);
    expect(capacity.hasRoomToSpare()).toBe(false);
    waiting = 0;
    pooled = 3;
    expect(capacity.hasRoom()).toBe(false);
    claimed = 1;
    expect(capacity.hasRoom()).toBe(true);
  });
});
