/**
 * `npm run db:restore -- FILE`: restores a backup made by `npm run db:backup` into
 * DATABASE_URL, which must be empty (a missing SQLite file, or a PostgreSQL database with
 * no tables): a restore never overwrites data. Pending migrations run afterwards.
 */
import { databaseConfig, ConfigError } from "../../shared/config";
import { BackupError, restoreDatabase } from "../../shared/db/backup";

const file = process.argv[2];
if (!file) {
  console.error("Name the backup to restore: npm run db:restore -- FILE (backups are in .dojo/backups/ unless you chose another place).");
  process.exit(2);
}
try {
  const summary = await restoreDatabase(databaseConfig().DATABASE_URL, file);
  const tables = Object.entries(summary.tables).filter(([name]) => name !== "_dojo_migrations");
  const rows = tables.every(([, n]) => n >= 0) ? `, ${tables.reduce((sum, [, n]) => sum + n, 0)} rows` : "";
  console.log(`Restored ${file} into the ${summary.provider === "sqlite" ? "SQLite" : "PostgreSQL"} database (${tables.length} tables${rows}).`);
} catch (error) {
  console.error(error instanceof BackupError || error instanceof ConfigError ? error.message : `The restore failed: ${(error as Error).message}`);
  process.exit(1);
}
