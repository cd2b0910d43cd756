import { describe, expect, it } from "vitest";
import { isReservedSlug, machineLesson, machineNameSchema, machineOf, nextMachine, sessionOf } from "./playground";

describe("playground names", () => {
  it("maps machines to their pseudo-lessons and back, and nothing else", () => {
    expect(machineOf(machineLesson("node3"))).toBe("node3");
    for (const lesson of ["play", "play-node0", "play-node100", "play-../x", "images", "-node1", "Reg-node1"]) expect(machineOf(lesson)).toBeNull();
  });

  it("names a multi-machine lesson's machines after the lesson, and finds the lesson again", () => {
    expect(machineLesson("node2", "registries")).toBe("registries-node2");
    expect(machineOf("registries-node2")).toBe("node2");
    expect(sessionOf("registries-node2")).toBe("registries");
    expect(sessionOf("play-node1")).toBe("play");
    expect(sessionOf("python-sdk")).toBe("python-sdk");
    expect(machineOf("python-sdk")).toBeNull();
  });

  it("accepts node1 to node99 as machine names, and no path, command or other spelling", () => {
    expect(machineNameSchema.safeParse("node12").success).toBe(true);
    for (const bad of ["node0", "node100", "../node1", "node1/..", "Node1", "node1 ", "node01", ""]) expect(machineNameSchema.safeParse(bad).success).toBe(false);
  });

  it("adds the lowest free machine, and none past the limit", () => {
    expect(nextMachine(["node1", "node3"], 5)).toBe("node2");
    expect(nextMachine(["node1", "node2"], 2)).toBeNull();
    expect(nextMachine([], 5)).toBe("node1");
  });

  it("reserves the playground's slugs from lessons", () => {
    expect(isReservedSlug("play")).toBe(true);
    expect(isReservedSlug("play-node1")).toBe(true);
    expect(isReservedSlug("playing")).toBe(false);
    expect(isReservedSlug("swarm-node2")).toBe(true);
    expect(isReservedSlug("node-basics")).toBe(false);
  });
});
