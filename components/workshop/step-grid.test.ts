import { describe, expect, it } from "vitest";
import type { DashboardRow } from "../../shared/protocol";
import { learnersOn, stepColumns, stuckStep } from "./step-grid";

const lessons = [
  { slug: "one", title: "One", steps: [{ id: "a", title: "A" }, { id: "b", title: "B" }] },
  { slug: "two", title: "Two", steps: [{ id: "c", title: "C" }] },
];
const row = (learnerId: string, currentStep: string | null): DashboardRow => ({
  learnerId,
  displayName: learnerId,
  joinedAt: new Date(0).toISOString(),
  lesson: currentStep?.split("/")[0] ?? null,
  nextStep: null,
  stepsPassed: 0,
  passed: [],
  currentStep,
  sandbox: "ready",
  lastActivity: null,
});

describe("the dashboard grid", () => {
  it("has one column per step of the workshop's lessons, in course order, numbered within each lesson", () => {
    expect(stepColumns(lessons).map((c) => [c.key, c.number])).toEqual([
      ["one/a", 1],
      ["one/b", 2],
      ["two/c", 1],
    ]);
  });

  it("marks the step most learners are on once two or more are on it, the earliest on a tie", () => {
    const columns = stepColumns(lessons);
    const stuck = (...rows: DashboardRow[]) => stuckStep(columns, learnersOn(rows))?.key;
    expect(stuck(row("x", "two/c"), row("y", "one/b"), row("z", "two/c"))).toBe("two/c");
    // A tie of two each: the earliest in course order, whatever order the rows come in.
    expect(stuck(row("w", "two/c"), row("x", "one/b"), row("y", "two/c"), row("z", "one/b"))).toBe("one/b");
    // The most, not the first with two: three on a later step beat two on an earlier one.
    expect(stuck(row("v", "one/a"), row("w", "one/a"), row("x", "two/c"), row("y", "two/c"), row("z", "two/c"))).toBe("two/c");
  });

  it("marks no step when nobody is on one, or when no two learners are on the same one", () => {
    const columns = stepColumns(lessons);
    const stuck = (...rows: DashboardRow[]) => stuckStep(columns, learnersOn(rows));
    expect(stuck()).toBeUndefined();
    expect(stuck(row("x", null))).toBeUndefined();
    // One learner alone is where that learner is, not where the room is stuck.
    expect(stuck(row("x", "two/c"))).toBeUndefined();
    // A tie of one each (everyone on a different step): none, not the earliest.
    expect(stuck(row("x", "two/c"), row("y", "one/b"), row("z", "one/a"))).toBeUndefined();
  });
});
