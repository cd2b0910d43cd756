import { describe, expect, it } from "vitest";
import type { Workshop } from "../../../shared/db/workshops";
import { WorkshopRoom } from "./workshop-room";

const workshop: Workshop = {
  id: "w",
  code: "ABCDEF",
  ownerId: "o",
  title: "T",
  lessons: ["one", "two"],
  capacity: 10,
  opensAt: new Date(0),
  closesAt: new Date(1e13),
  endedAt: null,
  createdAt: new Date(0),
  agents: [],
};
const lessons = [
  { slug: "one", title: "Lesson one", steps: [{ id: "a", title: "Step A" }, { id: "b", title: "Step B" }], images: [] },
  { slug: "two", title: "Lesson two", steps: [{ id: "c", title: "Step C" }], images: [] },
];

function room() {
  const r = new WorkshopRoom(workshop, lessons);
  r.seat({ learnerId: "ada", displayName: "Ada", joinedAt: new Date(1000) });
  r.seat({ learnerId: "bob", displayName: "Bob", joinedAt: new Date(2000) });
  return r;
}

describe("WorkshopRoom", () => {
  it("counts each passed step once per learner, and only for the workshop's lessons", () => {
    const r = room();
    expect(r.passed("ada", "one", "a", new Date(5000))).toBe(true);
    expect(r.passed("ada", "one", "a", new Date(6000))).toBe(false);
    expect(r.passed("ada", "elsewhere", "z", new Date(6000))).toBe(false);
    expect(r.passed("stranger", "one", "a", new Date(6000))).toBe(false);
    expect(r.counts()).toEqual({
      seats: 2,
      steps: [
        { lesson: "one", step: "a", title: "Step A", passed: 1 },
        { lesson: "one", step: "b", title: "Step B", passed: 0 },
        { lesson: "two", step: "c", title: "Step C", passed: 0 },
      ],
    });
  });

  it("says where a learner is: their lesson, its next step, steps passed, last activity", () => {
    const r = room();
    expect(r.row("bob", "none")).toMatchObject({ lesson: null, nextStep: null, stepsPassed: 0, lastActivity: null });
    r.passed("bob", "one", "a", new Date(5000));
    r.active("bob", "one", new Date(4000)); // older than what we know: last activity stays
    expect(r.row("bob", "ready")).toMatchObject({ lesson: "one", nextStep: "Step B", stepsPassed: 1, sandbox: "ready", lastActivity: new Date(5000).toISOString() });
    r.passed("bob", "one", "b", new Date(6000));
    expect(r.row("bob", "idle")).toMatchObject({ nextStep: "All steps passed", currentStep: null });
    r.active("bob", "two", new Date(7000));
    expect(r.row("bob", "idle")).toMatchObject({ lesson: "two", nextStep: "Step C", stepsPassed: 2 });
  });

  it("lists the steps a learner passed in course order and names their current one, for the dashboard's grid", () => {
    const r = room();
    expect(r.row("ada", "none")).toMatchObject({ passed: [], currentStep: null });
    r.passed("ada", "two", "c", new Date(5000));
    r.passed("ada", "one", "b", new Date(6000));
    expect(r.row("ada", "ready")).toMatchObject({ passed: ["one/b", "two/c"], currentStep: "one/a" });
  });

  it("renames a learner who joins again instead of adding a second row", () => {
    const r = room();
    r.passed("ada", "one", "a", new Date(5000));
    r.seat({ learnerId: "ada", displayName: "Ada L.", joinedAt: new Date(9000) });
    expect(r.learnerIds).toEqual(["ada", "bob"]);
    expect(r.row("ada", "ready")).toMatchObject({ displayName: "Ada L.", stepsPassed: 1 });
  });
});
