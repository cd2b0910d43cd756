/** Accounts, sessions, claiming progress and the attempts limits count, on a SQLite file and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accountOfSession,
  createAccount,
  createSession,
  deleteSession,
  EmailTakenError,
  findAccountByEmail,
  mergeAnonymousLearner,
} from "./accounts";
import { countAttempts, forgetAttempt, recordAttempt } from "./attempts";
import { createDatabase, type Database } from "../../shared/db/client";
import { recordLearnerSeen, setDisplayName } from "./learners";
import { migrate } from "../../shared/db/migrate";
import { passedSteps, recordStepPassed } from "../../shared/db/progress";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import type { DatabaseProvider } from "../../shared/db/url";

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("accounts on %s", (provider) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    await migrate(database.url);
    db = createDatabase(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("signing up claims the anonymous learner and their progress", async () => {
    await recordLearnerSeen(db, "anon-1");
    await recordStepPassed(db, "anon-1", "lesson-1", "step-a");
    const account = await createAccount(db, { id: "acc-1", email: "ada@example.org", passwordHash: "hash", role: "learner", learnerId: "anon-1" });
    expect(account.learnerId).toBe("anon-1");
    expect(await findAccountByEmail(db, "ada@example.org")).toMatchObject({ id: "acc-1", role: "learner", learnerId: "anon-1" });
    expect([...(await passedSteps(db, "anon-1")).get("lesson-1")!]).toEqual(["step-a"]);
  });

  it("refuses a second account with the same email, and writes nothing for it", async () => {
    await recordLearnerSeen(db, "anon-2");
    await expect(createAccount(db, { id: "acc-2", email: "ada@example.org", passwordHash: "h", role: "instructor", learnerId: "anon-2" })).rejects.toThrow(
      EmailTakenError,
    );
    expect(await db.account.findUnique({ where: { id: "acc-2" } })).toBeNull();
    expect((await db.learner.findUnique({ where: { id: "anon-2" } }))?.accountId).toBeNull();
  });

  it("merges an anonymous browser's progress into the account, keeping the earliest pass of a step done twice", async () => {
    const early = new Date("2026-11-27T08:00:00Z");
    const late = new Date("2026-11-27T09:00:00Z");
    await createAccount(db, { id: "acc-3", email: "grace@example.org", passwordHash: "h", role: "learner", learnerId: "owner-3" });
    await recordStepPassed(db, "owner-3", "lesson-1", "step-a", late);
    await recordLearnerSeen(db, "anon-3");
    await setDisplayName(db, "anon-3", "Grace");
    await recordStepPassed(db, "anon-3", "lesson-1", "step-a", early);
    await recordStepPassed(db, "anon-3", "lesson-2", "step-b", late);

    expect(await mergeAnonymousLearner(db, "anon-3", "owner-3")).toBe(1);

    const steps = await db.stepCompletion.findMany({ where: { learnerId: "owner-3" }, orderBy: { lesson: "asc" } });
    expect(steps.map((s) => [s.lesson, s.step, s.passedAt])).toEqual([
      ["lesson-1", "step-a", early],
      ["lesson-2", "step-b", late],
    ]);
    expect(await db.learner.findUnique({ where: { id: "anon-3" } })).toBeNull();
    expect((await db.learner.findUnique({ where: { id: "owner-3" } }))?.displayName).toBe("Grace");
  });

  it("never merges a learner that belongs to another account", async () => {
    await createAccount(db, { id: "acc-4", email: "linus@example.org", passwordHash: "h", role: "learner", learnerId: "owner-4" });
    await recordStepPassed(db, "owner-4", "lesson-9", "secret-step");
    expect(await mergeAnonymousLearner(db, "owner-4", "owner-3")).toBe(0);
    expect((await passedSteps(db, "owner-3")).get("lesson-9")).toBeUndefined();
    expect((await passedSteps(db, "owner-4")).get("lesson-9")?.has("secret-step")).toBe(true);
  });

  it("finds the account of a live session, and not of an expired or deleted one", async () => {
    const now = new Date("2026-11-27T10:00:00Z");
    await createSession(db, { id: "session-live", accountId: "acc-1", expiresAt: new Date("2026-12-27T10:00:00Z") }, now);
    await createSession(db, { id: "session-old", accountId: "acc-1", expiresAt: new Date("2026-11-27T10:30:00Z") }, now);
    expect((await accountOfSession(db, "session-live", now))?.email).toBe("ada@example.org");
    expect(await accountOfSession(db, "session-old", new Date("2026-11-27T11:00:00Z"))).toBeNull();
    expect(await accountOfSession(db, "no-such-session", now)).toBeNull();
    await deleteSession(db, "session-live");
    expect(await accountOfSession(db, "session-live", now)).toBeNull();
  });

  it("counts attempts per kind and key, takes one back, and forgets those older than a day", async () => {
    const now = new Date("2026-11-27T12:00:00Z");
    const since = new Date(now.getTime() - 15 * 60 * 1000);
    for (let i = 1; i <= 3; i++) expect((await recordAttempt(db, "sign-in-email", "ada@example.org", since, now)).count).toBe(i);
    await recordAttempt(db, "sign-in-address", "10.0.0.1", since, now);
    const other = await recordAttempt(db, "join-code", "10.0.0.1", since, now);
    expect(other.count).toBe(1);
    expect(await countAttempts(db, "sign-in-email", "ada@example.org", since)).toBe(3);
    expect(await countAttempts(db, "sign-in-address", "10.0.0.1", since)).toBe(1);
    // Outside the window they no longer count.
    expect(await countAttempts(db, "sign-in-email", "ada@example.org", new Date(now.getTime() + 1))).toBe(0);
    await forgetAttempt(db, other.id);
    expect(await countAttempts(db, "join-code", "10.0.0.1", since)).toBe(0);
    // A day later, the old attempts are cleaned away by the next one.
    await recordAttempt(db, "sign-in-email", "ada@example.org", since, new Date("2026-11-28T13:00:00Z"));
    expect(await db.attempt.count()).toBe(1);
  });
});
