/** The repositories against real databases: the same suite on a SQLite file and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./client";
import { recordLearnerSeen, setDisplayName } from "../../lib/data/learners";
import { migrate } from "./migrate";
import { passedSteps, recordStepPassed } from "./progress";
import { recentSandboxEvents, recordSandboxEvent } from "./sandbox-events";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("repositories on %s", (provider) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    expect(await migrate(database.url)).toContain("0001_init");
    // A second run applies nothing: each migration is recorded once.
    expect(await migrate(database.url)).toEqual([]);
    db = createDatabase(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("creates a learner once, then only marks them as seen, even when tabs race", async () => {
    const first = new Date("2026-11-27T10:00:00Z");
    const later = new Date("2026-11-27T11:00:00Z");
    await Promise.all(Array.from({ length: 8 }, () => recordLearnerSeen(db, "learner-a", first)));
    await recordLearnerSeen(db, "learner-a", later);
    expect(await db.learner.findMany()).toEqual([{ id: "learner-a", displayName: null, accountId: null, createdAt: first, lastSeenAt: later }]);
  });

  it("keeps a valid display name and refuses a bad one in a sentence, writing nothing", async () => {
    await recordLearnerSeen(db, "learner-b");
    expect(await setDisplayName(db, "learner-b", "  Ada  ")).toBe("Ada");
    await expect(setDisplayName(db, "learner-b", "x".repeat(41))).rejects.toThrow("A display name can be at most 40 characters long.");
    await expect(setDisplayName(db, "learner-b", "<script>")).rejects.toThrow(/angle brackets/);
    expect((await db.learner.findUnique({ where: { id: "learner-b" } }))?.displayName).toBe("Ada");
  });

  it("records a passed step exactly once, whatever the number of concurrent checks", async () => {
    await recordLearnerSeen(db, "learner-c");
    const first = new Date("2026-11-27T10:00:00Z");
    await Promise.all(Array.from({ length: 8 }, () => recordStepPassed(db, "learner-c", "lesson-1", "step-a", first)));
    await recordStepPassed(db, "learner-c", "lesson-1", "step-a", new Date("2026-11-27T12:00:00Z"));
    await recordStepPassed(db, "learner-c", "lesson-1", "step-b");
    await recordStepPassed(db, "learner-c", "lesson-2", "step-a");
    expect(await db.stepCompletion.count({ where: { learnerId: "learner-c" } })).toBe(3);
    expect((await db.stepCompletion.findFirst({ where: { learnerId: "learner-c", step: "step-a", lesson: "lesson-1" } }))?.passedAt).toEqual(first);
    const passed = await passedSteps(db, "learner-c");
    expect([...passed.get("lesson-1")!].sort()).toEqual(["step-a", "step-b"]);
    expect([...passed.get("lesson-2")!]).toEqual(["step-a"]);
  });

  it("refuses progress for a learner that does not exist", async () => {
    await expect(recordStepPassed(db, "nobody", "lesson-1", "step-a")).rejects.toThrow();
    expect(await db.stepCompletion.count({ where: { learnerId: "nobody" } })).toBe(0);
  });

  it("logs sandbox events, newest first", async () => {
    await recordSandboxEvent(db, { kind: "created", sandbox: "shell-00000001", template: "shell", learnerId: "learner-a", lesson: "lesson-1" });
    await recordSandboxEvent(db, { kind: "removed", reason: "idle", sandbox: "shell-00000001", template: "shell", learnerId: "learner-a", lesson: "lesson-1" });
    const events = await recentSandboxEvents(db, 10);
    expect(events.map((e) => [e.kind, e.reason])).toEqual([
      ["removed", "idle"],
      ["created", null],
    ]);
  });
});
