/** The web app's database client: one per process (kept on globalThis across dev reloads). */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../prisma/generated/client";
import { config } from "../shared/config";

const holder = globalThis as typeof globalThis & { dojoDatabase?: PrismaClient };

export function db(): PrismaClient {
  holder.dojoDatabase ??= new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: config().DATABASE_URL }) });
  return holder.dojoDatabase;
}
