/**
 * The database client for DATABASE_URL: SQLite through better-sqlite3 or PostgreSQL
 * through pg, both via Prisma's driver adapters (Prisma's native engines would be
 * downloaded, which fails offline).
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "../../prisma/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "../../prisma/generated/sqlite/client";
import { providerOf, sqliteFile } from "./url";

/**
 * What repositories are written against. Both generated clients come from one schema
 * (prisma/schema.prisma) and expose the same models; the SQLite one stands for both.
 */
export type Database = SqliteClient;

export function createDatabase(url: string): Database {
  if (providerOf(url) === "sqlite") return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqliteFile(url)}` }) });
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Database;
}
