import { describe, expect, it } from "vitest";
import { instanceSelector, readSandboxLabels, sandboxLabels } from "./labels";

describe("sandbox labels", () => {
  const owner = { learner: "learner-0123456789abcd", lesson: "inside-a-container", template: "shell" };
  const created = new Date("2026-11-27T10:00:00.000Z");

  it("carry everything needed to re-adopt a sandbox after a restart", () => {
    const labels = sandboxLabels("default", owner, created);
    expect(labels).toMatchObject({ "dojo.managed": "true", "dojo.instance": "default", "dojo.learner": owner.learner });
    expect(readSandboxLabels(labels)).toEqual({ owner, createdAt: created });
  });

  it("select by instance, so two platforms on one engine stay apart", () => {
    expect(instanceSelector("e2e")).toEqual({ "dojo.managed": "true", "dojo.instance": "e2e" });
  });

  it("are unreadable when incomplete or damaged", () => {
    const labels = sandboxLabels("default", owner, created);
    expect(readSandboxLabels({ ...labels, "dojo.learner": "" })).toBeNull();
    expect(readSandboxLabels({ ...labels, "dojo.created": "yesterday" })).toBeNull();
    expect(readSandboxLabels({})).toBeNull();
  });
});
