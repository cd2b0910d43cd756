/**
 * Workshops in the real service, with a real database and real sandboxes: the dashboard
 * follows learners live, messages reach the right people, shadowing is read-only, ending
 * removes the sandboxes — and nobody gets at a workshop that is not theirs.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../lib/data/accounts";
import { createDatabase, type Database } from "../../shared/db/client";
import { migrate } from "../../shared/db/migrate";
import { createWorkshop, joinWorkshop, type Workshop } from "../../shared/db/workshops";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import type { ServiceConfig } from "../../shared/config";
import { EVENTS, type DashboardSnapshot, type WorkshopMessageEvent } from "../../shared/protocol";
import { signInstructorToken } from "../../shared/token";
import type { RunningService } from "../src/service";
import { containersOf, newLearnerId, readyLearner, removeInstance, SECRET, startService, TestInstructor, testConfig, type TestLearner } from "./support/harness";

// A quick lesson on the light `shell` template, with a step whose solve is one command.
const LESSON = "start-here";
const STEP = "save-hostname";
const SOLVE = "hostname > ~/hostname.txt";

function instructorToken(owner: string, workshop: string): string {
  return signInstructorToken({ sub: owner, workshop, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET);
}

function messagesOf(learner: TestLearner): WorkshopMessageEvent[] {
  const seen: WorkshopMessageEvent[] = [];
  learner.socket.on(EVENTS.workshopMessage, (message) => seen.push(message));
  return seen;
}

type ReadyLearner = Awaited<ReturnType<typeof readyLearner>>;

/**
 * A real service on a fresh, migrated SQLite database for one describe block: `seed` fills
 * the database before the service starts; learners pushed to `learners` are closed after.
 */
function useServiceWithDatabase(config: ServiceConfig, seed: (db: Database) => Promise<void> = async () => {}) {
  let database: TestDatabase;
  const fixture = { db: undefined as unknown as Database, service: undefined as unknown as RunningService, learners: [] as ReadyLearner[] };
  beforeAll(async () => {
    database = await freshDatabase("sqlite");
    await migrate(database.url);
    fixture.db = createDatabase(database.url);
    await seed(fixture.db);
    fixture.service = await startService(config, { database: fixture.db });
  });
  afterAll(async () => {
    for (const learner of fixture.learners) learner.close();
    await fixture.service?.close();
    await fixture.db?.$disconnect();
    await database?.drop();
    await removeInstance(config.DOJO_INSTANCE);
  });
  return fixture;
}

describe("workshops", () => {
  const config = testConfig();
  let workshop: Workshop;
  let otherWorkshop: Workshop;
  const owner = randomUUID();
  const otherOwner = randomUUID();
  const ada = newLearnerId();
  const grace = newLearnerId();
  const stranger = newLearnerId();
  const fixture = useServiceWithDatabase(config, async (db) => {
    await createAccount(db, { id: owner, email: "teacher@example.org", passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
    await createAccount(db, { id: otherOwner, email: "other@example.org", passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
    const hour = 60 * 60 * 1000;
    workshop = await createWorkshop(db, { ownerId: owner, title: "Docker basics", lessons: [LESSON], capacity: 10, opensAt: new Date(Date.now() - hour), closesAt: new Date(Date.now() + hour) });
    otherWorkshop = await createWorkshop(db, { ownerId: otherOwner, title: "Another room", lessons: [LESSON], capacity: 10, opensAt: new Date(Date.now() - hour), closesAt: new Date(Date.now() + hour) });
    expect(await joinWorkshop(db, { code: workshop.code, learnerId: ada, displayName: "Ada" })).toMatchObject({ ok: true });
    expect(await joinWorkshop(db, { code: workshop.code, learnerId: grace, displayName: "Grace" })).toMatchObject({ ok: true });
    expect(await joinWorkshop(db, { code: otherWorkshop.code, learnerId: stranger, displayName: "Stranger" })).toMatchObject({ ok: true });
  });
  const learners = fixture.learners;

  async function seated(learnerId: string, workshopId = workshop.id) {
    const learner = await readyLearner(fixture.service.port, { sub: learnerId, lesson: LESSON, workshop: workshopId });
    learners.push(learner);
    return learner;
  }

  it("refuses every instructor request from a learner's token", async () => {
    const learner = await seated(ada);
    for (const [event, payload] of [
      [EVENTS.workshopWatch, {}],
      [EVENTS.workshopShadow, { learnerId: grace }],
      [EVENTS.workshopAnnounce, { text: "free pizza" }],
      [EVENTS.workshopHint, { learnerId: grace, text: "psst" }],
      [EVENTS.workshopEnd, {}],
    ] as const) {
      expect(await learner.request(event, payload), event).toEqual({ ok: false, error: { code: "forbidden", message: "Only the workshop's instructor can do that." } });
    }
    // Nothing was said or ended on the learner's behalf.
    expect(await fixture.db.workshopMessage.count()).toBe(0);
    expect((await fixture.db.workshop.findUnique({ where: { id: workshop.id } }))?.endedAt).toBeNull();
  });

  it("shows the instructor every learner, and a passed step within moments", async () => {
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    const watched = await instructor.request<DashboardSnapshot>(EVENTS.workshopWatch, {});
    expect(watched.ok).toBe(true);
    const snapshot = (watched as { value: DashboardSnapshot }).value;
    expect(snapshot.workshop.code).toBe(workshop.code);
    expect(snapshot.rows.map((r) => r.displayName).sort()).toEqual(["Ada", "Grace"]);
    expect(snapshot.rows.find((r) => r.displayName === "Ada")).toMatchObject({ stepsPassed: 0, sandbox: "ready", lesson: LESSON });

    const learner = learners[0]!;
    await learner.run(SOLVE);
    expect(await learner.request(EVENTS.checkRun, { step: STEP })).toMatchObject({ ok: true, value: { passed: true } });
    await expect.poll(() => instructor.rows.findLast((r) => r.learnerId === ada)?.stepsPassed).toBe(1);
    await expect.poll(() => instructor.counts.at(-1)?.steps.find((s) => s.step === STEP)?.passed).toBe(1);
    instructor.close();
  });

  it("shows another instructor nothing of this workshop", async () => {
    const other = new TestInstructor(fixture.service.port, instructorToken(otherOwner, otherWorkshop.id));
    const watched = await other.request<DashboardSnapshot>(EVENTS.workshopWatch, {});
    expect((watched as { value: DashboardSnapshot }).value.rows.map((r) => r.displayName)).toEqual(["Stranger"]);
    expect(await other.request(EVENTS.workshopShadow, { learnerId: ada })).toMatchObject({ ok: false, error: { message: "That learner is not in this workshop." } });
    expect(await other.request(EVENTS.workshopHint, { learnerId: ada, text: "hi" })).toMatchObject({ ok: false, error: { message: "That learner is not in this workshop." } });
    other.close();
  });

  it("sends announcements to every learner and a hint to one only", async () => {
    const adaMessages = messagesOf(learners[0]!);
    const graceLearner = await seated(grace);
    const graceMessages = messagesOf(graceLearner);
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    expect((await instructor.request(EVENTS.workshopAnnounce, { text: "Break until 15:00" })).ok).toBe(true);
    expect((await instructor.request(EVENTS.workshopHint, { learnerId: grace, text: "Look at ~/hostname.txt" })).ok).toBe(true);
    await expect.poll(() => graceMessages.map((m) => [m.kind, m.text])).toEqual([
      ["announcement", "Break until 15:00"],
      ["hint", "Look at ~/hostname.txt"],
    ]);
    await expect.poll(() => adaMessages.map((m) => m.text)).toEqual(["Break until 15:00"]);
    // An empty or over-long message is refused in a sentence.
    expect(await instructor.request(EVENTS.workshopAnnounce, { text: "x".repeat(501) })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    instructor.close();
  });

  it("lets the instructor watch a learner's terminal without changing its size", async () => {
    const learner = learners[0]!;
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    const size = await learner.run("stty size");
    const shadow = await instructor.request<{ hostname: string; data: Uint8Array }>(EVENTS.workshopShadow, { learnerId: ada });
    expect(shadow.ok).toBe(true);
    // The replay brings what the learner already saw.
    expect(Buffer.from((shadow as { value: { data: Uint8Array } }).value.data).toString()).toContain(SOLVE);
    learner.type("echo watched-$((6*7))\r");
    await expect.poll(() => instructor.shadowOutput).toContain("watched-42");
    expect(await learner.run("stty size")).toBe(size);
    // The dashboard socket has no way to type: terminal input from it goes nowhere.
    instructor.socket.emit(EVENTS.terminalInput, { terminalId: "main", data: "touch /tmp/instructor-was-here\r" });
    // The service handles a socket's messages in order: once this is answered, that input was dealt with.
    expect((await instructor.request(EVENTS.workshopWatch, {})).ok).toBe(true);
    expect(await learner.run("ls /tmp/instructor-was-here 2>&1 || true")).toMatch(/No such file/);
    instructor.close();
  });

  it("ends the workshop: every learner's sandbox is removed and they are told why", async () => {
    const [adaLearner, graceLearner] = [learners[0]!, learners[1]!];
    const strangerLearner = await seated(stranger, otherWorkshop.id);
    const ended: string[] = [];
    adaLearner.socket.on(EVENTS.workshopEnded, ({ message }) => ended.push(message));
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    // A second dashboard is watching Grace when the workshop ends.
    const watcher = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    expect((await watcher.request(EVENTS.workshopWatch, {})).ok).toBe(true);
    expect((await watcher.request(EVENTS.workshopShadow, { learnerId: grace })).ok).toBe(true);
    const result = await instructor.request<{ removed: number }>(EVENTS.workshopEnd, {});
    expect(result).toEqual({ ok: true, value: { removed: 2 } });
    const left = (await containersOf(config.DOJO_INSTANCE)).map((c) => c.id);
    expect(left).not.toContain(adaLearner.sandbox.id);
    expect(left).not.toContain(graceLearner.sandbox.id);
    // Another workshop's learner keeps their sandbox.
    expect(left).toContain(strangerLearner.sandbox.id);
    await expect.poll(() => ended).toEqual(["The workshop has ended. Thank you for taking part!"]);
    await expect.poll(() => adaLearner.ended.map((e) => e.reason)).toEqual(["workshop-ended"]);
    expect((await fixture.db.workshop.findUnique({ where: { id: workshop.id } }))?.endedAt).not.toBeNull();
    expect(await instructor.request(EVENTS.workshopAnnounce, { text: "anyone?" })).toMatchObject({ ok: false, error: { message: "This workshop has ended." } });
    // The watching dashboard is told, in a sentence, and hears of the end itself.
    await expect.poll(() => watcher.shadowEnded).toEqual(["The workshop has ended, so watching has stopped."]);
    await expect.poll(() => watcher.ended).toEqual(["This workshop has ended."]);
    instructor.close();
    watcher.close();
  });

  it("lets nobody watch a learner of an ended workshop, even one who opens the lesson again with a token from before the end", async () => {
    // Ada's page reconnects with a token signed while the workshop ran (it still names it).
    const returning = await readyLearner(fixture.service.port, { sub: ada, lesson: LESSON, workshop: workshop.id });
    learners.push(returning);
    returning.type("echo private-$((6*7))\r");
    await returning.waitFor("private-42");
    // The instructor's dashboard token is still valid for a few minutes.
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, workshop.id));
    const refused = await instructor.request(EVENTS.workshopShadow, { learnerId: ada });
    expect(refused).toEqual({ ok: false, error: { code: "forbidden", message: "This workshop has ended, so its learners' terminals can no longer be watched." } });
    expect(instructor.shadowOutput).toBe("");
    // A refusal, not a dropped connection: the dashboard still answers.
    expect((await instructor.request(EVENTS.workshopWatch, {})).ok).toBe(true);
    instructor.close();
  });
});

describe("workshop pre-warming", () => {
  const config = testConfig({ WORKSHOP_PREWARM_LEAD_SECONDS: "900" });
  const fixture = useServiceWithDatabase(config);
  const learners = fixture.learners;

  it("makes sandboxes ready for the whole capacity before the workshop opens, and learners get them", async () => {
    const owner = randomUUID();
    await createAccount(fixture.db, { id: owner, email: "early@example.org", passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
    const soon = await createWorkshop(fixture.db, { ownerId: owner, title: "Soon", lessons: [LESSON], capacity: 3, opensAt: new Date(Date.now() + 10 * 60 * 1000), closesAt: new Date(Date.now() + 70 * 60 * 1000) });
    // A workshop further away than the lead time is not warmed yet.
    await createWorkshop(fixture.db, { ownerId: owner, title: "Tomorrow", lessons: [LESSON], capacity: 20, opensAt: new Date(Date.now() + 24 * 60 * 60 * 1000), closesAt: new Date(Date.now() + 25 * 60 * 60 * 1000) });
    // Nor is one pinned to another machine: its learners are never placed on this one.
    await createWorkshop(fixture.db, { ownerId: owner, title: "Elsewhere", lessons: [LESSON], capacity: 5, agents: ["agent-elsewhere"], opensAt: new Date(Date.now() + 10 * 60 * 1000), closesAt: new Date(Date.now() + 70 * 60 * 1000) });
    expect(fixture.service.pool.readyCount("shell")).toBe(0);

    await fixture.service.sweep();
    expect(fixture.service.pool.readyCount("shell")).toBe(3);
    const instructor = new TestInstructor(fixture.service.port, instructorToken(owner, soon.id));
    const watched = (await instructor.request<DashboardSnapshot>(EVENTS.workshopWatch, {})) as { ok: true; value: DashboardSnapshot };
    expect(watched.value.warmup).toEqual({ ready: 3, target: 3 });

    // Once it opens, a learner who joins is handed one of those sandboxes.
    await fixture.db.workshop.update({ where: { id: soon.id }, data: { opensAt: new Date(Date.now() - 1000) } });
    const learnerId = newLearnerId();
    expect((await joinWorkshop(fixture.db, { code: soon.code, learnerId, displayName: "Early bird" })).ok).toBe(true);
    // Seated but not arrived yet: the sandbox kept for them stays warm.
    await fixture.service.sweep();
    expect(fixture.service.pool.readyCount("shell")).toBe(3);
    const warmed = (await containersOf(config.DOJO_INSTANCE)).map((c) => c.id);
    const learner = await readyLearner(fixture.service.port, { sub: learnerId, lesson: LESSON, workshop: soon.id });
    learners.push(learner);
    expect(warmed).toContain(learner.sandbox.id);

    // After the workshop, the sandboxes kept for it go.
    expect((await instructor.request(EVENTS.workshopEnd, {})).ok).toBe(true);
    await fixture.service.sweep();
    expect(fixture.service.pool.readyCount("shell")).toBe(0);
    expect(await containersOf(config.DOJO_INSTANCE)).toEqual([]);
    instructor.close();
  });

  it("ends a workshop by itself at its closing time", async () => {
    const owner = randomUUID();
    await createAccount(fixture.db, { id: owner, email: "closing@example.org", passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
    const closing = await createWorkshop(fixture.db, { ownerId: owner, title: "Closing", lessons: [LESSON], capacity: 3, opensAt: new Date(Date.now() - 60_000), closesAt: new Date(Date.now() + 60_000) });
    const learnerId = newLearnerId();
    await joinWorkshop(fixture.db, { code: closing.code, learnerId, displayName: "Late" });
    const learner = await readyLearner(fixture.service.port, { sub: learnerId, lesson: LESSON, workshop: closing.id });
    learners.push(learner);
    await fixture.service.sweep();
    expect((await containersOf(config.DOJO_INSTANCE)).map((c) => c.id)).toContain(learner.sandbox.id);

    await fixture.db.workshop.update({ where: { id: closing.id }, data: { closesAt: new Date(Date.now() - 1000) } });
    await fixture.service.sweep();
    expect((await containersOf(config.DOJO_INSTANCE)).map((c) => c.id)).not.toContain(learner.sandbox.id);
    expect((await fixture.db.workshop.findUnique({ where: { id: closing.id } }))?.endedAt).not.toBeNull();
    await expect.poll(() => learner.ended.map((e) => e.reason)).toEqual(["workshop-ended"]);
  });
});

