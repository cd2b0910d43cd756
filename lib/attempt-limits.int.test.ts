/**
 * Limits counted in the database, on a SQLite file and on PostgreSQL, against hostile
 * clients: a parallel flood gets no more than the limit, guessing the instructor code
 * stops at the limit even for the right code, and one address's guesses are not another's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../shared/db/client";
import { migrate } from "../shared/db/migrate";
import { freshDatabase, type TestDatabase } from "../shared/db/testing/databases";
import type { DatabaseProvider } from "../shared/db/url";
import { attemptLimits, takeAttempt, type AttemptLimit } from "./attempt-limits";
import { sameSecret, signIn, signUp } from "./auth/account-flows";

const limits = attemptLimits({ SANDBOX_TOKENS_PER_MINUTE: 5, WORKSHOP_CODE_FAILURES_PER_ADDRESS: 5, INSTRUCTOR_CODE_FAILURES_PER_ADDRESS: 3 });
const CODE = "the-right-instructor-code";
const PASSWORD = "correct horse battery";

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("attempt limits on %s", (provider) => {
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

  it("lets no more than the limit through a flood of parallel attempts, and opens again after the window", async () => {
    const limit: AttemptLimit = limits.sandboxToken;
    const now = new Date("2026-11-28T12:00:00Z");
    const flood = await Promise.all(Array.from({ length: 40 }, () => takeAttempt(db, limit, "203.0.113.1", now)));
    const allowed = flood.filter((attempt) => attempt !== null).length;
    // The first attempts recorded get in, up to the limit; a flood does not shut them out too.
    expect(allowed).toBe(limit.max);
    // Refused attempts were not kept: the count is what was allowed.
    expect(await db.attempt.count({ where: { kind: limit.kind, key: "203.0.113.1" } })).toBe(allowed);
    expect(await takeAttempt(db, limit, "203.0.113.1", now)).toBeNull();
    // Another address is not affected; a minute later the first is allowed again.
    expect(await takeAttempt(db, limit, "203.0.113.2", now)).not.toBeNull();
    expect(await takeAttempt(db, limit, "203.0.113.1", new Date(now.getTime() + limit.windowMs))).not.toBeNull();
  });

  it("stops instructor sign-up code guesses from one address at the limit, even for the right code; other addresses are not affected", async () => {
    const policy = { code: CODE, guesses: limits.instructorCode };
    const signUpAs = (n: number, code: string, address: string) =>
      signUp(db, { email: `teacher-${n}-${provider}@example.org`, password: PASSWORD, role: "instructor", instructorCode: code }, null, policy, address);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => signUpAs(i, `guess-${i}-aaaaaaaa`, "198.51.100.7")));
    expect(guesses.filter((g) => !g.ok && g.error === "instructor-code")).toHaveLength(3);
    expect(guesses.filter((g) => !g.ok && g.error === "too-many-instructor-codes")).toHaveLength(9);
    expect(guesses.some((g) => g.ok)).toBe(false);
    // Blocked: the right code is refused too, so a guesser learns nothing.
    expect(await signUpAs(100, CODE, "198.51.100.7")).toEqual({ ok: false, error: "too-many-instructor-codes" });
    // Someone else, elsewhere, with the right code.
    expect((await signUpAs(101, CODE, "198.51.100.8")).ok).toBe(true);
    // The right code does not count as a guess: the same address may sign up more instructors.
    for (let i = 0; i < 5; i++) expect((await signUpAs(110 + i, CODE, "198.51.100.9")).ok).toBe(true);
    // Learners need no code and are not counted.
    const learner = await signUp(db, { email: `learner-${provider}@example.org`, password: PASSWORD, role: "learner", instructorCode: "" }, null, policy, "198.51.100.7");
    expect(learner.ok).toBe(true);
  });

  it("counts only failed sign-ins: many right ones never lock an account", async () => {
    const email = `regular-${provider}@example.org`;
    expect((await signUp(db, { email, password: PASSWORD, role: "learner", instructorCode: "" }, null, { code: undefined, guesses: limits.instructorCode }, "192.0.2.1")).ok).toBe(true);
    for (let i = 0; i < 8; i++) expect((await signIn(db, { email, password: PASSWORD }, null, "192.0.2.1")).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(await signIn(db, { email, password: "wrong password!" }, null, "192.0.2.1")).toEqual({ ok: false, error: "wrong-credentials" });
    expect(await signIn(db, { email, password: PASSWORD }, null, "192.0.2.1")).toEqual({ ok: false, error: "too-many-attempts" });
  });
});

describe("sameSecret", () => {
  it("compares whole secrets, whatever their lengths", () => {
    expect(sameSecret(CODE, CODE)).toBe(true);
    expect(sameSecret(CODE.slice(0, -1), CODE)).toBe(false);
    expect(sameSecret(`${CODE}x`, CODE)).toBe(false);
    expect(sameSecret("", CODE)).toBe(false);
  });
});
