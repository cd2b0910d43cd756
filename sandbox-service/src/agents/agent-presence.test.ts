import { describe, expect, it } from "vitest";
import { sqliteSharedWarning } from "./agent-presence";

const NOW = Date.UTC(2026, 10, 27, 12);
const LIVE_MS = 15_000;
const agent = (id: string, secondsAgo: number) => ({ id, heartbeatAt: new Date(NOW - secondsAgo * 1000) });

describe("sqliteSharedWarning", () => {
  it("warns an agent on SQLite when another agent heartbeated recently, naming them and the fix", () => {
    const warning = sqliteSharedWarning("sqlite", "node-1", [agent("node-1", 0), agent("node-2", 4), agent("node-3", 14)], NOW, LIVE_MS);
    expect(warning).toContain("node-2, node-3");
    expect(warning).toContain("DATABASE_URL=postgresql://");
    expect(warning).not.toContain("node-1,");
  });

  it("says nothing when this agent is alone, or the others are silent", () => {
    expect(sqliteSharedWarning("sqlite", "node-1", [agent("node-1", 0)], NOW, LIVE_MS)).toBeNull();
    expect(sqliteSharedWarning("sqlite", "node-1", [], NOW, LIVE_MS)).toBeNull();
    // A machine shut down a minute ago (or this agent's row under a former AGENT_ID) is not another agent.
    expect(sqliteSharedWarning("sqlite", "node-1", [agent("node-1", 0), agent("old-name", 60)], NOW, LIVE_MS)).toBeNull();
  });

  it("says nothing on PostgreSQL, which is made for several agents", () => {
    expect(sqliteSharedWarning("postgresql", "node-1", [agent("node-1", 0), agent("node-2", 1)], NOW, LIVE_MS)).toBeNull();
  });
});
