/**
 * The SQLite and PostgreSQL schemas and migrations are kept in step with prisma/schema.prisma:
 * this fails when one of them drifts (see README, "Database").
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { diffSql } from "../../scripts/db/prisma-diff";
import { POSTGRES_SCHEMA, postgresSchema, SOURCE } from "../../scripts/db/schemas";
import { migrate } from "./migrate";
import { connect } from "./sql-connection";
import { describeSchema } from "./testing/catalog";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

const SNAPSHOT = "prisma/migrations/schema.snapshot.prisma";
const created: TestDatabase[] = [];
afterAll(async () => {
  for (const database of created) await database.drop();
});

async function structure(provider: DatabaseProvider, build: (url: string) => Promise<void>) {
  const database = await freshDatabase(provider);
  created.push(database);
  await build(database.url);
  const db = await connect(database.url);
  try {
    return await describeSchema(db, provider);
  } finally {
    await db.close();
  }
}

describe("schema drift", () => {
  it("the PostgreSQL schema is generated from the SQLite one (npm run db:schemas)", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchema(readFileSync(SOURCE, "utf8")));
  });

  it("every change to prisma/schema.prisma has its migrations (npm run db:new-migration)", () => {
    expect(readFileSync(SNAPSHOT, "utf8")).toBe(readFileSync(SOURCE, "utf8"));
  });

  it.each<DatabaseProvider>(["sqlite", "postgresql"])("the %s migrations build exactly the schema", async (provider) => {
    const migrated = await structure(provider, async (url) => void (await migrate(url)));
    const fromSchema = await structure(provider, async (url) => {
      const db = await connect(url);
      await db.exec(diffSql(provider, null, SOURCE));
      await db.close();
    });
    expect(migrated).toEqual(fromSchema);
  });
});
