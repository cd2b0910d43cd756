/**
 * `npm run db:new-migration -- <name>`: after editing prisma/schema.prisma, writes the SQL
 * migration for each database (prisma/migrations/<provider>/NNNN_<name>/migration.sql)
 * from the difference between the last migrated datamodel (prisma/migrations/schema.snapshot.prisma)
 * and the schema, then moves the snapshot forward and regenerates the PostgreSQL schema.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DatabaseProvider } from "../../shared/db/url";
import { diffSql } from "./prisma-diff";
import { POSTGRES_SCHEMA, postgresSchema, SOURCE } from "./schemas";

export const SNAPSHOT = "prisma/migrations/schema.snapshot.prisma";
const PROVIDERS: DatabaseProvider[] = ["sqlite", "postgresql"];

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name_in_snake_case>");
  process.exit(2);
}
writeFileSync(POSTGRES_SCHEMA, postgresSchema(readFileSync(SOURCE, "utf8")));
const from = existsSync(SNAPSHOT) ? SNAPSHOT : null;
let written = 0;
for (const provider of PROVIDERS) {
  const sql = diffSql(provider, from, SOURCE);
  if (!sql) continue;
  const dir = path.join("prisma", "migrations", provider);
  mkdirSync(dir, { recursive: true });
  const number = String(readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).length + 1).padStart(4, "0");
  mkdirSync(path.join(dir, `${number}_${name}`));
  writeFileSync(path.join(dir, `${number}_${name}`, "migration.sql"), sql);
  console.log(`wrote ${dir}/${number}_${name}/migration.sql`);
  written++;
}
if (written === 0) console.log("the schema has not changed since the last migration");
else copyFileSync(SOURCE, SNAPSHOT);
