/**
 * `npm run db:schemas`: writes prisma/postgresql/schema.prisma from prisma/schema.prisma
 * (the same models; provider, url and client output swapped). `--check` only verifies
 * that the committed file is up to date.
 */
import { readFileSync, writeFileSync } from "node:fs";

export const SOURCE = "prisma/schema.prisma";
export const POSTGRES_SCHEMA = "prisma/postgresql/schema.prisma";

export function postgresSchema(source: string): string {
  const swapped = source
    .replace('output     = "./generated/sqlite"', 'output     = "../generated/postgresql"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:../.dojo/dojo.db"', 'url      = "postgresql://localhost/dojo"');
  if (swapped === source || swapped.includes('"sqlite"')) throw new Error(`${SOURCE}: the generator or datasource block changed; update scripts/db/schemas.ts`);
  return `// GENERATED from ../schema.prisma by \`npm run db:schemas\`. Do not edit.\n${swapped}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const expected = postgresSchema(readFileSync(SOURCE, "utf8"));
  if (process.argv.includes("--check")) {
    if (readFileSync(POSTGRES_SCHEMA, "utf8") !== expected) {
      console.error(`${POSTGRES_SCHEMA} is out of date: run npm run db:schemas`);
      process.exit(1);
    }
  } else {
    writeFileSync(POSTGRES_SCHEMA, expected);
    console.log(`wrote ${POSTGRES_SCHEMA}`);
  }
}
