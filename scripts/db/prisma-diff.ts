/** SQL that takes a database from one datamodel to another, for one provider (`prisma migrate diff`). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseProvider } from "../../shared/db/url";
// Writing a migration needs a PostgreSQL server to diff against: the tests' one (README,
// "Database"), so this developer tool reads its address where the tests keep it.
// eslint-disable-next-line no-restricted-imports -- the test server's address, not a fake
import { TEST_POSTGRES_URL } from "../../shared/db/testing/postgres";
import { postgresSchema } from "./schemas";

/** A schema file of `provider` with the models of `sqliteSchemaFile` (the source-of-truth format). */
function schemaFor(provider: DatabaseProvider, sqliteSchemaFile: string): string {
  if (provider === "sqlite") return sqliteSchemaFile;
  const file = path.join(mkdtempSync(path.join(tmpdir(), "dojo-schema-")), "schema.prisma");
  writeFileSync(file, postgresSchema(readFileSync(sqliteSchemaFile, "utf8")));
  return file;
}

/** `from` null means an empty database. Returns "" when there is nothing to change. */
export function diffSql(provider: DatabaseProvider, from: string | null, to: string): string {
  const args = ["prisma", "migrate", "diff", "--script", "--to-schema-datamodel", schemaFor(provider, to)];
  args.push(...(from ? ["--from-schema-datamodel", schemaFor(provider, from)] : ["--from-empty"]));
  const sql = execFileSync("npx", args, {
    encoding: "utf8",
    // Prisma connects even for a datamodel-only diff; no table is touched.
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DATABASE_URL: provider === "sqlite" ? "file:/tmp/dojo-unused.db" : TEST_POSTGRES_URL },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return /^\s*-- This is an empty migration\.\s*$/.test(sql) ? "" : sql;
}
