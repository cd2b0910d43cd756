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

  it("marks the step most learners are on, the earliest on a tie, and none when nobody is on a step", () => {
    const columns = stepColumns(lessons);
    expect(stuckStep(columns, learnersOn([row("x", null)]))).toBeUndefined();
    expect(stuckStep(columns, learnersOn([row("x", "two/c"), row("y", "one/b"), row("z", "two/c")]))?.key).toBe("two/c");
    expect(stuckStep(columns, learnersOn([row("x", "two/c"), row("y", "one/b")]))?.key).toBe("one/b");
  });
});
