/**
 * A workshop pinned to agents (issue 12): the pins are stored with it, read back with it,
 * and the web app's placement (lib/placement.ts, what /api/sandbox-token runs) puts its
 * learners only on those agents, on a SQLite file and on PostgreSQL. An upgraded database
 * keeps its workshops and their seats (SQLite copies the table to add the column).
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../lib/data/accounts";
import { PinnedAgentsUnavailableError, placeLearner } from "../../lib/placement";
import { placementOf, recordPlacement, registerAgent, setDraining } from "./agents";
import { createDatabase, type Database } from "./client";
import { migrate, MIGRATIONS_DIR } from "./migrate";
import { connect } from "./sql-connection";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import { createWorkshop, findWorkshop, joinWorkshop, workshopForLesson } from "./workshops";
import type { DatabaseProvider } from "./url";

const HOUR = 60 * 60 * 1000;
const LIVE_SECONDS = 15;

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("workshops pinned to agents on %s", (provider) => {
  let database: TestDatabase;
  let db: Database;
  const owner = randomUUID();
  const now = new Date();
  const open = { opensAt: new Date(now.getTime() - HOUR), closesAt: new Date(now.getTime() + HOUR) };
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    database = await freshDatabase(provider);
    await migrate(database.url);
    db = createDatabase(database.url);
    await createAccount(db, { id: owner, email: "pins@example.org", passwordHash: "x", role: "instructor", learnerId: "pins-teacher-000001" });
    // a has the most room, b some, c is draining; all live.
    await registerAgent(db, { id: "node-a", publicUrl: "http://a.example", capacity: 10, freePlaces: 9 }, now);
    await registerAgent(db, { id: "node-b", publicUrl: "http://b.example", capacity: 10, freePlaces: 3 }, now);
    await registerAgent(db, { id: "node-c", publicUrl: "http://c.example", capacity: 10, freePlaces: 9 }, now);
    await setDraining(db, "node-c", true);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    for (const cleanup of cleanups) await cleanup();
  });

  it("stores a workshop's agents and reads them back; none is any agent", async () => {
    const pinned = await createWorkshop(db, { ownerId: owner, title: "Pinned", lessons: ["p"], capacity: 5, ...open, agents: ["node-b", "node-c"] });
    expect(pinned.agents).toEqual(["node-b", "node-c"]);
    expect((await findWorkshop(db, pinned.id))?.agents).toEqual(["node-b", "node-c"]);
    const free = await createWorkshop(db, { ownerId: owner, title: "Anywhere", lessons: ["p"], capacity: 5, ...open });
    expect((await findWorkshop(db, free.id))?.agents).toEqual([]);
  });

  it("places a pinned workshop's learners only on its agents, as the token route does", async () => {
    const workshop = await createWorkshop(db, { ownerId: owner, title: "On B", lessons: ["on-b"], capacity: 5, ...open, agents: ["node-b"] });
    const learner = "pinned-learner-0001";
    expect((await joinWorkshop(db, { code: workshop.code, learnerId: learner, displayName: "Ada" })).ok).toBe(true);
    const seated = await workshopForLesson(db, learner, "on-b");
    expect(seated?.agents).toEqual(["node-b"]);
    // a, with more free places, is passed over; the placement is recorded there.
    expect(await placeLearner(db, learner, "on-b", LIVE_SECONDS, seated!.agents)).toEqual({ agentId: "node-b", publicUrl: "http://b.example" });
    expect(await placementOf(db, learner, "on-b")).toBe("node-b");
    // Without the workshop's pins the least loaded agent would have been chosen.
    expect((await placeLearner(db, "unpinned-learner-01", "on-b", LIVE_SECONDS))?.agentId).toBe("node-a");
  });

  it("moves a learner placed before the workshop onto its agents", async () => {
    await recordPlacement(db, "earlier-learner-001", "moved", "node-a", new Date(now.getTime() - 60_000));
    expect((await placeLearner(db, "earlier-learner-001", "moved", LIVE_SECONDS, ["node-b"]))?.agentId).toBe("node-b");
    expect(await placementOf(db, "earlier-learner-001", "moved")).toBe("node-b");
  });

  it("refuses in a sentence when none of the workshop's agents can take the learner, and places nobody elsewhere", async () => {
    for (const pins of [["node-c"], ["node-gone"]]) {
      const attempt = placeLearner(db, "waiting-learner-001", "wait", LIVE_SECONDS, pins);
      await expect(attempt).rejects.toBeInstanceOf(PinnedAgentsUnavailableError);
      await expect(attempt).rejects.toThrow(/This workshop's machines are not available right now/);
    }
    // Every agent silent: still refused (never the page's own host).
    const later = new Date(now.getTime() + 10 * LIVE_SECONDS * 1000);
    await expect(placeLearner(db, "waiting-learner-001", "wait", LIVE_SECONDS, ["node-b"], later)).rejects.toBeInstanceOf(PinnedAgentsUnavailableError);
    expect(await placeLearner(db, "waiting-learner-001", "wait", LIVE_SECONDS, [], later)).toBeNull();
    expect(await placementOf(db, "waiting-learner-001", "wait")).toBeNull();
  });

  it("an upgrade keeps existing workshops and their seats, pinned to no agent", async () => {
    const old = await freshDatabase(provider);
    cleanups.push(old.drop);
    const names = readdirSync(path.join(MIGRATIONS_DIR, provider)).sort();
    const pins = names.findIndex((name) => name.endsWith("_workshop_agents"));
    expect(pins).toBeGreaterThan(0);
    const before = mkdtempSync(path.join(tmpdir(), "dojo-migrations-"));
    cleanups.push(async () => rmSync(before, { recursive: true, force: true }));
    for (const name of names.slice(0, pins)) cpSync(path.join(MIGRATIONS_DIR, provider, name), path.join(before, provider, name), { recursive: true });
    await migrate(old.url, before);
    const sql = await connect(old.url);
    try {
      await sql.query('INSERT INTO "Account" ("id", "email", "passwordHash", "role") VALUES ($1, $2, $3, $4)', [owner, "old@example.org", "x", "instructor"]);
      await sql.query('INSERT INTO "Learner" ("id") VALUES ($1)', ["old-seated-learner-01"]);
      await sql.query(
        'INSERT INTO "Workshop" ("id", "code", "ownerId", "title", "lessons", "capacity", "opensAt", "closesAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        provider === "sqlite"
          ? ["11111111-1111-4111-8111-111111111111", "ABCDEF", owner, "Before", "a", 5, open.opensAt.getTime(), open.closesAt.getTime()]
          : ["11111111-1111-4111-8111-111111111111", "ABCDEF", owner, "Before", "a", 5, open.opensAt, open.closesAt],
      );
      await sql.query('INSERT INTO "WorkshopSeat" ("workshopId", "learnerId", "displayName") VALUES ($1, $2, $3)', ["11111111-1111-4111-8111-111111111111", "old-seated-learner-01", "Grace"]);
    } finally {
      await sql.close();
    }

    expect(await migrate(old.url)).toEqual(names.slice(pins));

    const upgraded = createDatabase(old.url);
    try {
      const workshop = await findWorkshop(upgraded, "11111111-1111-4111-8111-111111111111");
      expect(workshop).toMatchObject({ title: "Before", agents: [] });
      expect(await upgraded.workshopSeat.count({ where: { workshopId: workshop!.id } })).toBe(1);
    } finally {
      await upgraded.$disconnect();
    }
  });
});
