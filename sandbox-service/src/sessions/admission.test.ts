import { describe, expect, it } from "vitest";
import { Admission } from "./admission";

/** A platform with `capacity` slots; reserve() takes one synchronously, as the manager does. */
function room(capacity: number) {
  const state = { used: 0 };
  const admission = new Admission();
  const fits = () => state.used < capacity;
  const reserve = () => ++state.used;
  return { state, admission, fits, reserve };
}

describe("Admission", () => {
  it("admits at once while there is room, reserving synchronously", async () => {
    const { state, admission, fits, reserve } = room(2);
    const both = [admission.enter(fits, reserve, () => {}), admission.enter(fits, reserve, () => {})];
    expect(state.used).toBe(2);
    await Promise.all(both);
    expect(admission.queueLength).toBe(0);
  });

  it("queues in arrival order, tells each its place, and never hands one slot to two", async () => {
    const { state, admission, fits, reserve } = room(1);
    state.used = 1;
    const places: Record<string, number[]> = { a: [], b: [] };
    const order: string[] = [];
    const a = admission.enter(fits, reserve, (p) => places.a!.push(p)).then(() => order.push("a"));
    const b = admission.enter(fits, reserve, (p) => places.b!.push(p)).then(() => order.push("b"));
    expect(places).toEqual({ a: [1], b: [2] });

    state.used = 0; // a sandbox went away
    admission.admitNext();
    await a;
    expect(order).toEqual(["a"]);
    expect(state.used).toBe(1);
    expect(places.b).toEqual([2, 1]);
    state.used = 0;
    admission.admitNext();
    await b;
    expect(order).toEqual(["a", "b"]);
  });

  it("does not let a newcomer jump the queue", async () => {
    const { state, admission, fits, reserve } = room(1);
    state.used = 1;
    const first = admission.enter(fits, reserve, () => {});
    state.used = 0;
    let late = false;
    const second = admission.enter(fits, reserve, () => {}).then(() => (late = true));
    await Promise.resolve();
    expect(late).toBe(false);
    admission.admitNext();
    await first;
    expect(late).toBe(false);
    state.used = 0;
    admission.admitNext();
    await second;
    expect(late).toBe(true);
  });

  it("drops a waiter who leaves, and moves the others up", async () => {
    const { state, admission, fits, reserve } = room(1);
    state.used = 1;
    const leaving = new AbortController();
    const places: number[] = [];
    const gone = admission.enter(fits, reserve, () => {}, leaving.signal);
    void admission.enter(fits, reserve, (p) => places.push(p));
    leaving.abort();
    await expect(gone).rejects.toThrow("You left the queue.");
    expect(places).toEqual([2, 1]);
    expect(admission.queueLength).toBe(1);
  });
});
