import { describe, expect, it } from "vitest";
import { chooseAgent, type PlacementCandidate } from "./placement";

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
});
