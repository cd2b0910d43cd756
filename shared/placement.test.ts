import { describe, expect, it } from "vitest";
import { chooseAgent, MAX_PINNED_AGENTS, parseAgentPins, type PlacementCandidate } from "./placement";

const agent = (id: string, freePlaces: number, more: Partial<PlacementCandidate> = {}): PlacementCandidate => ({ id, capacity: 10, freePlaces, draining: false, placedSince: 0, ...more });

describe("chooseAgent", () => {
  it("keeps a learner on the agent that holds their sandbox, even when it is draining", () => {
    expect(chooseAgent([agent("a", 9), agent("b", 1, { draining: true })], "b")).toBe("b");
  });

  it("sends a new learner to the agent with the most free places, counting placements it has not reported yet", () => {
    expect(chooseAgent([agent("a", 6), agent("b", 5)], null)).toBe("a");
    expect(chooseAgent([agent("a", 6, { placedSince: 3 }), agent("b", 5)], null)).toBe("b");
  });

  it("never sends a new learner to a draining agent; none at all when every agent drains", () => {
    expect(chooseAgent([agent("a", 9, { draining: true }), agent("b", 1)], null)).toBe("b");
    expect(chooseAgent([agent("a", 9, { draining: true })], null)).toBeNull();
  });

  it("moves a learner whose agent is gone (not among the live candidates) to a live one", () => {
    expect(chooseAgent([agent("a", 2)], "dead")).toBe("a");
  });

  it("still places someone when every agent is full: they wait in line on the least full", () => {
    expect(chooseAgent([agent("a", 0, { placedSince: 2 }), agent("b", 0)], null)).toBe("b");
  });

  describe("a workshop pinned to agents", () => {
    it("places its learners only on those agents, even when another has more free places", () => {
      expect(chooseAgent([agent("a", 9), agent("b", 2), agent("c", 5)], null, ["b", "c"])).toBe("c");
      expect(chooseAgent([agent("a", 9), agent("b", 2)], null, ["b"])).toBe("b");
    });

    it("keeps a learner on their pinned agent, and moves one placed before off an agent outside the pins", () => {
      expect(chooseAgent([agent("a", 9), agent("b", 2, { draining: true })], "b", ["b"])).toBe("b");
      expect(chooseAgent([agent("a", 9), agent("b", 2)], "a", ["b"])).toBe("b");
    });

    it("places nobody when none of its agents is live or open, rather than sending them elsewhere", () => {
      expect(chooseAgent([agent("a", 9)], null, ["b"])).toBeNull();
      expect(chooseAgent([agent("a", 9)], "a", ["b"])).toBeNull();
      expect(chooseAgent([agent("a", 9), agent("b", 9, { draining: true })], null, ["b"])).toBeNull();
      expect(chooseAgent([], null, ["b"])).toBeNull();
    });

    it("is any agent when the list is empty", () => {
      expect(chooseAgent([agent("a", 9), agent("b", 2)], null, [])).toBe("a");
    });
  });
});

describe("parseAgentPins", () => {
  it("reads agent ids separated by commas or spaces, without repeats; an empty field is any agent", () => {
    expect(parseAgentPins("node-a, node-b,node-a  node_3.lab")).toEqual(["node-a", "node-b", "node_3.lab"]);
    expect(parseAgentPins("")).toEqual([]);
    expect(parseAgentPins(" , ")).toEqual([]);
  });

  it("refuses what is not an agent id, and too many of them", () => {
    expect(parseAgentPins("node-a, -leading")).toBeNull();
    expect(parseAgentPins("node/a")).toBeNull();
    expect(parseAgentPins("x".repeat(64))).toBeNull();
    expect(parseAgentPins(Array.from({ length: MAX_PINNED_AGENTS + 1 }, (_, i) => `n${i}`).join(","))).toBeNull();
    expect(parseAgentPins(Array.from({ length: MAX_PINNED_AGENTS }, (_, i) => `n${i}`).join(","))).toHaveLength(MAX_PINNED_AGENTS);
  });
});
