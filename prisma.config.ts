/**
 * Prisma CLI configuration: the JavaScript schema engine with a driver adapter, which
 * works offline (Prisma's native engines would be downloaded, and that fails here). Used
 * by `prisma migrate diff` in scripts/db/; migrations are applied by shared/db/migrate.ts.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { databaseConfig } from "./shared/config";
import { providerOf, sqliteFile } from "./shared/db/url";

const url = databaseConfig().DATABASE_URL;
const postgres = providerOf(url) === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url: `file:${sqliteFile(url)}` });
  },
});
