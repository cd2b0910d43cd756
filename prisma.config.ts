/**
 * Prisma CLI configuration: the JavaScript schema engine with a driver adapter, which
 * works offline (Prisma's native engines would be downloaded, and that fails here).
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { config } from "./shared/config";
import { ensureDatabaseFolder } from "./shared/database-url";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const url = config().DATABASE_URL;
    ensureDatabaseFolder(url);
    return new PrismaBetterSQLite3({ url });
  },
});
