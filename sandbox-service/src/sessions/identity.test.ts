import { describe, expect, it } from "vitest";
import { containerName, hostnameOf, instanceSelector, readIdentity, sandboxLabels } from "./identity";

const created = new Date("2026-11-27T10:00:00.000Z");
const claim = {
  learner: "Ab-_0123456789abcdefgh",
  lesson: "start-here",
  claimedAt: new Date("2026-11-27T10:05:00.000Z"),
  expiresAt: new Date("2026-11-27T12:05:00.000Z"),
};

describe("sandbox identity", () => {
  it("survives a round trip through name and labels, claimed or not", () => {
    const labels = sandboxLabels("default", "shell", created);
    expect(readIdentity(containerName({ template: "shell", short: "3fa2c1d4" }), labels)).toEqual({ template: "shell", short: "3fa2c1d4", createdAt: created });
    const name = containerName({ template: "shell", short: "3fa2c1d4", claim });
    expect(name).toMatch(/^dojo-shell-3fa2c1d4\.Ab-_0123456789abcdefgh\.start-here\.[a-z0-9]+\.[a-z0-9]+$/);
    expect(readIdentity(name, labels)).toEqual({ template: "shell", short: "3fa2c1d4", createdAt: created, claim });
  });

  it("is unreadable when the name or labels are not ours or damaged", () => {
    const labels = sandboxLabels("default", "shell", created);
    expect(readIdentity("not-ours", labels)).toBeNull();
    expect(readIdentity("dojo-shell-3fa2c1d4", {})).toBeNull();
    expect(readIdentity("dojo-shell-3fa2c1d4", { ...labels, "dojo.created": "yesterday" })).toBeNull();
    // The template in the name must agree with the label.
    expect(readIdentity("dojo-docker-3fa2c1d4", labels)).toBeNull();
  });

  it("selects by instance, so two platforms on one engine stay apart", () => {
    expect(instanceSelector("e2e")).toEqual({ "dojo.managed": "true", "dojo.instance": "e2e" });
    expect(sandboxLabels("e2e", "shell", created)).toMatchObject(instanceSelector("e2e"));
  });

  it("gives the hostname learners see in their prompt", () => {
    expect(hostnameOf({ template: "shell", short: "3fa2c1d4" })).toBe("shell-3fa2c1d4");
  });
});
