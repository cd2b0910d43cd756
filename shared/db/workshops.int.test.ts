/** Workshops, joining and messages, on a SQLite file and on PostgreSQL. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../lib/data/accounts";
import { createDatabase, type Database } from "./client";
import { migrate } from "./migrate";
import { recordStepPassed } from "./progress";
import { recordSandboxEvent, workshopSandboxEvents } from "./sandbox-events";
import { addMessage, createWorkshop, endWorkshop, findOwnedWorkshop, joinWorkshop, messagesFor, seatsOf, upcomingWorkshops, workshopCompletions, workshopForLesson } from "./workshops";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

const HOUR = 60 * 60 * 1000;

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("workshops on %s", (provider) => {
  let database: TestDatabase;
  let db: Database;
  const owner = randomUUID();
  const now = new Date("2026-11-27T14:00:00Z");
  const open = { opensAt: new Date(now.getTime() - HOUR), closesAt: new Date(now.getTime() + HOUR) };

  beforeAll(async () => {
    database = await freshDatabase(provider);
    await migrate(database.url);
    db = createDatabase(database.url);
    await createAccount(db, { id: owner, email: "teacher@example.org", passwordHash: "x", role: "instructor", learnerId: "teacher-learner-0001" });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("never seats more learners than the capacity, even when they all join at once", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "Rush", lessons: ["a"], capacity: 5, ...open });
    expect(workshop.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => joinWorkshop(db, { code: workshop.code.toLowerCase(), learnerId: `rush-learner-${String(i).padStart(4, "0")}`, displayName: `L${i}` }, now)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => (r as { refusal: string }).refusal)).toEqual(Array(7).fill("full"));
    expect(await seatsOf(db, workshop.id)).toHaveLength(5);
  });

  it("keeps one seat when a learner joins again, under their new name", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "Again", lessons: ["a"], capacity: 1, ...open });
    expect((await joinWorkshop(db, { code: workshop.code, learnerId: "again-learner-0001", displayName: "Ada" }, now)).ok).toBe(true);
    expect((await joinWorkshop(db, { code: workshop.code, learnerId: "again-learner-0001", displayName: "Ada L." }, now)).ok).toBe(true);
    expect((await seatsOf(db, workshop.id)).map((s) => s.displayName)).toEqual(["Ada L."]);
  });

  it("refuses unknown codes, workshops not open yet, over or ended, and writes no seat", async () => {
    const later = await createWorkshop(db, { ownerId: owner, title: "Later", lessons: ["a"], capacity: 9, opensAt: new Date(now.getTime() + HOUR), closesAt: new Date(now.getTime() + 2 * HOUR) });
    const over = await createWorkshop(db, { ownerId: owner, title: "Over", lessons: ["a"], capacity: 9, opensAt: new Date(now.getTime() - 2 * HOUR), closesAt: new Date(now.getTime() - HOUR) });
    const ended = await createWorkshop(db, { ownerId: owner, title: "Ended", lessons: ["a"], capacity: 9, ...open });
    await endWorkshop(db, ended.id, now);
    const join = (code: string) => joinWorkshop(db, { code, learnerId: "refused-learner-01", displayName: "R" }, now);
    expect(await join("ZZZZZZ")).toEqual({ ok: false, refusal: "unknown-code" });
    expect(await join("not a code at all")).toEqual({ ok: false, refusal: "unknown-code" });
    expect(await join(later.code)).toEqual({ ok: false, refusal: "not-open-yet" });
    expect(await join(over.code)).toEqual({ ok: false, refusal: "closed" });
    expect(await join(ended.code)).toEqual({ ok: false, refusal: "closed" });
    expect(await db.workshopSeat.count({ where: { learnerId: "refused-learner-01" } })).toBe(0);
  });

  it("finds the workshop a learner's lesson belongs to, its completions, and only its owner sees it", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "Lessons", lessons: ["first", "second"], capacity: 9, ...open });
    await joinWorkshop(db, { code: workshop.code, learnerId: "lesson-learner-001", displayName: "Lin" }, now);
    expect((await workshopForLesson(db, "lesson-learner-001", "second", now))?.id).toBe(workshop.id);
    expect(await workshopForLesson(db, "lesson-learner-001", "elsewhere", now)).toBeNull();
    await recordStepPassed(db, "lesson-learner-001", "first", "s1", now);
    await recordStepPassed(db, "lesson-learner-001", "unrelated", "s1", now);
    expect((await workshopCompletions(db, workshop)).map((c) => `${c.lesson}/${c.step}`)).toEqual(["first/s1"]);
    expect(await findOwnedWorkshop(db, workshop.id, owner)).not.toBeNull();
    expect(await findOwnedWorkshop(db, workshop.id, randomUUID())).toBeNull();
    expect(await findOwnedWorkshop(db, "../../etc/passwd", owner)).toBeNull();
    expect((await upcomingWorkshops(db, now, HOUR)).find((w) => w.title === "Lessons")?.seated).toEqual(["lesson-learner-001"]);
  });

  it("gives a learner the announcements and their own hints, not other learners' hints", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "Talk", lessons: ["a"], capacity: 9, ...open });
    await addMessage(db, { workshopId: workshop.id, learnerId: null, text: "Welcome!" }, now);
    await addMessage(db, { workshopId: workshop.id, learnerId: "talk-learner-0001", text: "for you" }, now);
    await addMessage(db, { workshopId: workshop.id, learnerId: "talk-learner-0002", text: "not for you" }, now);
    expect((await messagesFor(db, workshop.id, "talk-learner-0001")).map((m) => m.text)).toEqual(["Welcome!", "for you"]);
    await expect(addMessage(db, { workshopId: workshop.id, learnerId: null, text: "   " })).rejects.toThrow("A message cannot be empty.");
  });

  it("shows an instructor the sandbox events of their learners in the workshop's lessons only", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "Events", lessons: ["ev"], capacity: 9, ...open });
    await joinWorkshop(db, { code: workshop.code, learnerId: "event-learner-0001", displayName: "Eve" }, now);
    await recordSandboxEvent(db, { kind: "created", sandbox: "shell-1", template: "shell", learnerId: "event-learner-0001", lesson: "ev" });
    await recordSandboxEvent(db, { kind: "removed", reason: "idle", sandbox: "shell-1", template: "shell", learnerId: "event-learner-0001", lesson: "ev" });
    await recordSandboxEvent(db, { kind: "created", sandbox: "shell-2", template: "shell", learnerId: "event-learner-0001", lesson: "private-study" });
    await recordSandboxEvent(db, { kind: "created", sandbox: "shell-3", template: "shell", learnerId: "someone-else-0001", lesson: "ev" });
    expect((await workshopSandboxEvents(db, workshop)).map((e) => [e.displayName, e.kind, e.reason, e.sandbox])).toEqual([
      ["Eve", "removed", "idle", "shell-1"],
      ["Eve", "created", null, "shell-1"],
    ]);
  });
});
