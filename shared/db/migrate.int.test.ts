/** Upgrading a database that already holds progress keeps every row, on both databases. */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR } from "./migrate";
import { connect } from "./sql-connection";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("migrations on %s", (provider) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("apply every later migration to a database with learners and progress without losing any of it", async () => {
    const database: TestDatabase = await freshDatabase(provider);
    cleanups.push(database.drop);
    const names = readdirSync(path.join(MIGRATIONS_DIR, provider)).sort();
    const firstOnly = mkdtempSync(path.join(tmpdir(), "dojo-migrations-"));
    cleanups.push(async () => rmSync(firstOnly, { recursive: true, force: true }));
    cpSync(path.join(MIGRATIONS_DIR, provider, names[0]!), path.join(firstOnly, provider, names[0]!), { recursive: true });

    expect(await migrate(database.url, firstOnly)).toEqual([names[0]]);
    const sql = await connect(database.url);
    try {
      await sql.query('INSERT INTO "Learner" ("id", "displayName") VALUES ($1, $2)', ["early-learner", "Grace"]);
      await sql.query('INSERT INTO "StepCompletion" ("learnerId", "lesson", "step") VALUES ($1, $2, $3)', ["early-learner", "a-lesson", "a-step"]);
    } finally {
      await sql.close();
    }

    expect(await migrate(database.url)).toEqual(names.slice(1));

    const after = await connect(database.url);
    try {
      expect(await after.query('SELECT "id", "displayName" FROM "Learner"')).toEqual([{ id: "early-learner", displayName: "Grace" }]);
      expect(await after.query('SELECT "learnerId", "step" FROM "StepCompletion"')).toEqual([{ learnerId: "early-learner", step: "a-step" }]);
    } finally {
      await after.close();
    }
  });

  it("carry recent failed sign-ins over into the attempts every limit counts, so an upgrade does not reset a guesser's count", async () => {
    const database: TestDatabase = await freshDatabase(provider);
    cleanups.push(database.drop);
    const names = readdirSync(path.join(MIGRATIONS_DIR, provider)).sort();
    const attempts = names.findIndex((name) => name.endsWith("_attempts"));
    const before = mkdtempSync(path.join(tmpdir(), "dojo-migrations-"));
    cleanups.push(async () => rmSync(before, { recursive: true, force: true }));
    for (const name of names.slice(0, attempts)) cpSync(path.join(MIGRATIONS_DIR, provider, name), path.join(before, provider, name), { recursive: true });
    await migrate(database.url, before);
    const sql = await connect(database.url);
    try {
      await sql.query('INSERT INTO "SignInFailure" ("email", "ip") VALUES ($1, $2)', ["ada@example.org", "192.0.2.1"]);
    } finally {
      await sql.close();
    }

    expect(await migrate(database.url)).toEqual(names.slice(attempts));

    const after = await connect(database.url);
    try {
      const rows = await after.query<{ kind: string; key: string }>('SELECT "kind", "key" FROM "Attempt" ORDER BY "kind"');
      expect(rows).toEqual([
        { kind: "sign-in-address", key: "192.0.2.1" },
        { kind: "sign-in-email", key: "ada@example.org" },
      ]);
    } finally {
      await after.close();
    }
  });
});
