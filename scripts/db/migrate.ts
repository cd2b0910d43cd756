/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (SQLite or PostgreSQL). */
import { databaseConfig } from "../../shared/config";
import { migrate } from "../../shared/db/migrate";
import { providerOf } from "../../shared/db/url";

const url = databaseConfig().DATABASE_URL;
const applied = await migrate(url);
console.log(applied.length ? `applied ${applied.join(", ")} (${providerOf(url)})` : `database up to date (${providerOf(url)})`);
