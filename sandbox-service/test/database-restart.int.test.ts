/**
 * The database goes away mid-session (a PostgreSQL restart, on a throwaway cluster of the
 * test's own): learners keep working, their checks still answer "passed", and every step
 * passed meanwhile is in the database once it is back, with the time it was passed. The
 * web app still gives a learner it knows a sandbox token (to reconnect), and tells a new
 * one in a sentence to wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type CheckResult } from "../../shared/protocol";
import { createDatabase, type Database } from "../../shared/db/client";
import { migrate } from "../../shared/db/migrate";
import { connect } from "../../shared/db/sql-connection";
import { ThrowawayPostgres } from "../../shared/db/testing/throwaway-postgres";
import type { RunningService } from "../src/service";
import { signLearnerCookie } from "../../shared/token";
import { newLearnerId, readyLearner, removeInstance, SECRET, startService, testConfig, type TestLearner } from "./support/harness";

const config = testConfig();
let postgres: ThrowawayPostgres;
let db: Database;
let service: RunningService;

beforeAll(async () => {
  postgres = await ThrowawayPostgres.start();
  const admin = await connect(postgres.url());
  await admin.exec("CREATE DATABASE dojo");
  await admin.close();
  await migrate(postgres.url("dojo"));
  db = createDatabase(postgres.url("dojo"));
  service = await startService(config, { database: createDatabase(postgres.url("dojo")) });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await db?.$disconnect();
  await postgres?.destroy();
  await removeInstance(config.DOJO_INSTANCE);
});

async function check(learner: TestLearner, step: string): Promise<CheckResult> {
  const answer = await learner.request<CheckResult>(EVENTS.checkRun, { step });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

const stepsOf = async (learnerId: string) =>
  (await db.stepCompletion.findMany({ where: { learnerId }, orderBy: { passedAt: "asc" } })).map((row) => ({ step: row.step, passedAt: row.passedAt }));

describe("the database restarting mid-session", () => {
  it("loses no passed step: the learner is answered at once, the record follows when the database is back", async () => {
    const learnerId = newLearnerId();
    await db.learner.create({ data: { id: learnerId } });
    const learner = await readyLearner(service.port, { sub: learnerId });

    await learner.run("hostname > ~/hostname.txt");
    expect(await check(learner, "save-hostname")).toMatchObject({ passed: true });
    expect((await stepsOf(learnerId)).map((row) => row.step)).toEqual(["save-hostname"]);

    await postgres.stop();
    // The terminal keeps working, and checks still answer, while the database is away.
    await learner.run("ps -p 1 -o args= > ~/pid1.txt");
    const passedWhileAway = new Date();
    expect(await check(learner, "find-pid-1")).toMatchObject({ passed: true });
    await learner.run('echo "hello" > ~/note.txt');
    expect(await check(learner, "write-note")).toMatchObject({ passed: true });
    const backAt = new Date();

    await postgres.begin();
    await expect.poll(async () => (await stepsOf(learnerId)).map((row) => row.step), { timeout: 30_000 }).toEqual(["save-hostname", "find-pid-1", "write-note"]);
    // Recorded with the time of the pass, not the time of the write.
    const rows = await stepsOf(learnerId);
    expect(rows[1]!.passedAt.getTime()).toBeGreaterThanOrEqual(passedWhileAway.getTime() - 1000);
    expect(rows[2]!.passedAt.getTime()).toBeLessThanOrEqual(backAt.getTime());
    // Checking again (two tabs, a double click) still leaves one row per step.
    expect(await check(learner, "write-note")).toMatchObject({ passed: true });
    expect(await stepsOf(learnerId)).toHaveLength(3);
    learner.close();
  });

  it("the web app still hands a known learner a sandbox token while the database is away, and tells a new one in a sentence", async () => {
    // The web app's route, in this process, on the same database (lib/db reads DATABASE_URL on first use).
    process.env.DATABASE_URL = postgres.url("dojo");
    process.env.DOJO_SECRET = SECRET;
    const { POST } = await import("../../app/api/sandbox-token/route");
    const { NextRequest } = await import("next/server");
    const known = newLearnerId();
    const ask = (cookie?: string) =>
      POST(
        new NextRequest("http://localhost:3000/api/sandbox-token", {
          method: "POST",
          body: JSON.stringify({ lesson: "start-here" }),
          headers: { "content-type": "application/json", ...(cookie ? { cookie: `dojo_learner=${cookie}` } : {}) },
        }),
      );
    expect((await ask(signLearnerCookie(known, SECRET))).status).toBe(200);

    await postgres.stop();
    try {
      const again = await ask(signLearnerCookie(known, SECRET));
      expect(again.status).toBe(200);
      expect(((await again.json()) as { token?: string }).token).toBeTruthy();
      const stranger = await ask();
      expect(stranger.status).toBe(503);
      expect(await stranger.json()).toEqual({ error: "The platform's database is not answering right now. Your sandbox starts as soon as it is back; this page keeps trying." });
    } finally {
      await postgres.begin();
      await (await import("../../lib/db")).db().$disconnect();
    }
  });
});
