/**
 * `npm run db:backup` and `npm run db:restore` as an operator runs them, on a SQLite file
 * and on PostgreSQL: a database with rows in every table is backed up, restored into an
 * empty database, and every row is found there. Restores refuse, in a sentence and
 * changing nothing, a database that is not empty and files that are not our backups.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./client";
import { migrate } from "./migrate";
import { connect } from "./sql-connection";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

const execute = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), "dojo-backup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `npm run db:<script>` (its script, without npm's banner) against `url`. */
async function cli(script: "backup" | "restore", args: string[], url: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ["--import", "tsx", `scripts/db/${script}.ts`, ...args], {
      env: { ...process.env, DATABASE_URL: url, DOJO_DATA_DIR: scratch },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Every row of every table (the migrations' bookkeeping included), in a stable order. */
async function everyRow(url: string, provider: DatabaseProvider): Promise<Record<string, unknown[]>> {
  const db = await connect(url);
  try {
    const tables =
      provider === "sqlite"
        ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        : await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    const rows: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      const all = await db.query<Record<string, unknown>>(`SELECT * FROM "${name}"`);
      rows[name] = all.map((row) => JSON.stringify(row)).sort();
    }
    return rows;
  } finally {
    await db.close();
  }
}

/** Rows in every table of the schema, with awkward values (quotes, newlines, emoji, NULLs, milliseconds). */
async function fill(db: Database): Promise<void> {
  const at = new Date("2026-11-28T09:15:30.123Z");
  await db.account.create({ data: { id: "acc-1", email: "ada@example.org", passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", role: "instructor", createdAt: at } });
  await db.learner.create({ data: { id: "learner-0123456789abcdef", displayName: "Ada \"the\" O'Brien 🐳", accountId: "acc-1", createdAt: at, lastSeenAt: at } });
  await db.learner.create({ data: { id: "learner-fedcba9876543210", displayName: null } });
  await db.accountSession.create({ data: { id: "5f0c2a", accountId: "acc-1", createdAt: at, expiresAt: new Date("2026-12-28T09:15:30.456Z") } });
  await db.attempt.create({ data: { kind: "sign-in-email", key: "eve@example.org", at } });
  await db.stepCompletion.create({ data: { learnerId: "learner-0123456789abcdef", lesson: "start-here", step: "save-hostname", passedAt: at } });
  await db.stepCompletion.create({ data: { learnerId: "learner-fedcba9876543210", lesson: "images", step: "pull", passedAt: new Date(at.getTime() + 1) } });
  await db.sandboxEvent.create({ data: { kind: "removed", reason: "idle", sandbox: "shell-3fa2c1d4", template: "shell", learnerId: "learner-0123456789abcdef", lesson: "start-here", at } });
  await db.sandboxEvent.create({ data: { kind: "created", sandbox: "shell-00000000", template: "docker" } });
  await db.workshop.create({
    data: { id: "ws-1", code: "ABC123", ownerId: "acc-1", title: "Docker, day one\nroom 4", lessons: "start-here,images", capacity: 50, opensAt: at, closesAt: new Date("2026-11-28T17:00:00Z") },
  });
  await db.workshopSeat.create({ data: { workshopId: "ws-1", learnerId: "learner-fedcba9876543210", displayName: "Grace", joinedAt: at } });
  await db.workshopMessage.create({ data: { workshopId: "ws-1", learnerId: null, text: "Break until 14:00 — café's open", at } });
  await db.workshopMessage.create({ data: { workshopId: "ws-1", learnerId: "learner-fedcba9876543210", text: "Hint: `docker ps -a`", at } });
  await db.agent.create({ data: { id: "agent-a", publicUrl: "https://a.dojo.example", capacity: 340, freePlaces: 12, draining: true, startedAt: at, heartbeatAt: at } });
  await db.agent.create({ data: { id: "agent-b", publicUrl: null, capacity: 8, freePlaces: 0, startedAt: at, heartbeatAt: at } });
  await db.placement.create({ data: { learnerId: "learner-0123456789abcdef", lesson: "start-here", agentId: "agent-a", placedAt: at } });
  await db.playgroundInvite.create({ data: { id: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ownerId: "learner-0123456789abcdef", access: "read", createdAt: at, expiresAt: new Date(at.getTime() + 3_600_000) } });
  await db.playgroundInvite.create({ data: { id: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", ownerId: "learner-0123456789abcdef", access: "write", createdAt: at, expiresAt: at, revokedAt: at } });
  await db.socketIoAttachment.create({ data: { id: 1n, payload: Buffer.from([0, 255, 10, 39]), createdAt: at } });
}

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("backup and restore on %s", (provider) => {
  let original: TestDatabase;
  let backupFile: string;

  beforeAll(async () => {
    original = await freshDatabase(provider);
    await migrate(original.url);
    const db = createDatabase(original.url);
    await fill(db);
    await db.$disconnect();
  });
  afterAll(async () => {
    await original?.drop();
  });

  it("backs up a database with rows in every table, and restores it into an empty one with every row", async () => {
    const before = await everyRow(original.url, provider);
    // Every table has rows, so a table added later without rows here fails this test.
    for (const [table, rows] of Object.entries(before)) expect(rows.length, `rows in ${table}`).toBeGreaterThan(0);

    const backup = await cli("backup", [], original.url);
    expect(backup.code, backup.out).toBe(0);
    backupFile = /to (\S+)\n/.exec(backup.out)![1]!;
    expect(backupFile.startsWith(path.join(scratch, "backups", "dojo-"))).toBe(true);
    expect(backup.out).toContain(`Restore it into an empty database with: npm run db:restore -- ${backupFile}`);

    const empty = await freshDatabase(provider);
    try {
      const restore = await cli("restore", [backupFile], empty.url);
      expect(restore.code, restore.out).toBe(0);
      expect(restore.out).toContain(`Restored ${backupFile} into the ${provider === "sqlite" ? "SQLite" : "PostgreSQL"} database (${Object.keys(before).length - 1} tables`); // the migrations' bookkeeping is not counted
      expect(await everyRow(empty.url, provider)).toEqual(before);
      // The restored database is one the platform can use: nothing left to migrate.
      expect(await migrate(empty.url)).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it("never restores into a database that has data, and changes nothing there", async () => {
    const before = await everyRow(original.url, provider);
    const refused = await cli("restore", [backupFile], original.url);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(provider === "sqlite" ? /already exists; a restore never overwrites a database\. Stop the platform, move that file away/ : new RegExp(`already has ${Object.keys(before).length} table\\(s\\); a restore never overwrites a database\\. Create an empty one`));
    expect(refused.out).not.toMatch(/\n\s+at /); // a sentence, no stack trace
    expect(await everyRow(original.url, provider)).toEqual(before);
  });

  it("refuses, in a sentence, files that are not its backups (or of the other database) and leaves the target empty", async () => {
    const garbage = path.join(scratch, `garbage-${provider}.bin`);
    writeFileSync(garbage, "PGDMP is how this starts, but it is not an archive at all");
    const foreign = path.join(scratch, `foreign-${provider}.sqlite`);
    const other = new Sqlite(foreign);
    other.exec("CREATE TABLE notes (text TEXT)");
    other.close();
    const random = path.join(scratch, `random-${provider}.bin`);
    writeFileSync(random, Buffer.from([0, 159, 146, 150, 1, 2, 3]));

    const empty = await freshDatabase(provider);
    try {
      const answers = await Promise.all([garbage, foreign, random, path.join(scratch, "missing.sqlite")].map((file) => cli("restore", [file], empty.url)));
      for (const answer of answers) {
        expect(answer.code).toBe(1);
        expect(answer.out).not.toMatch(/\n\s+at /);
      }
      if (provider === "postgresql") {
        expect(answers[0]!.out).toMatch(/^pg_restore failed: /);
        expect(answers[1]!.out).toContain("is a SQLite backup, but DATABASE_URL is a PostgreSQL database. Restore it into a file:… URL.");
      } else {
        expect(answers[0]!.out).toContain("is a PostgreSQL backup, but DATABASE_URL is a SQLite database.");
        expect(answers[1]!.out).toContain("is a SQLite database, but not one of this platform (it has no _dojo_migrations table).");
      }
      expect(answers[2]!.out).toContain("is not a backup made by npm run db:backup (neither a SQLite database nor a pg_dump archive).");
      expect(answers[3]!.out).toContain("There is no file");
      expect(await everyRow(empty.url, provider)).toEqual({});
    } finally {
      await empty.drop();
    }
  });

  it.runIf(provider === "sqlite")("refuses to restore next to a write-ahead log left by the database that was there", async () => {
    const target = path.join(scratch, "moved-away.db");
    writeFileSync(`${target}-wal`, "left by a crash");
    const refused = await cli("restore", [backupFile], `file:${target}`);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`${target}-wal is left from the database that was at ${target}; move it away with that database, then restore again.`);
  });

  it("a backup never overwrites a file", async () => {
    const answer = await cli("backup", [backupFile], original.url);
    expect(answer.code).toBe(1);
    expect(answer.out).toContain(`${backupFile} already exists; a backup never overwrites a file. Name another one.`);
  });
});
