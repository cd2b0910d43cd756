/** The web app's database client: one per process (kept on globalThis across dev reloads). */
import { webConfig } from "../shared/config";
import { createDatabase, type Database } from "../shared/db/client";

const holder = globalThis as typeof globalThis & { dojoDatabase?: Database };

export function db(): Database {
  holder.dojoDatabase ??= createDatabase(webConfig().DATABASE_URL);
  return holder.dojoDatabase;
}
