/**
 * `npm run db:backup [-- FILE]`: a backup of DATABASE_URL (accounts, progress, workshops,
 * everything), taken while the platform runs. Default file: DOJO_DATA_DIR/backups/dojo-<time>.sqlite
 * (SQLite) or .pgdump (PostgreSQL). Restore with `npm run db:restore -- FILE`.
 */
import { databaseConfig, ConfigError } from "../../shared/config";
import { backupDatabase, BackupError, defaultBackupFile } from "../../shared/db/backup";

try {
  const settings = databaseConfig();
  const file = process.argv[2] ?? defaultBackupFile(settings.DATABASE_URL, settings.DOJO_DATA_DIR);
  const summary = await backupDatabase(settings.DATABASE_URL, file);
  const tables = Object.entries(summary.tables).filter(([name]) => name !== "_dojo_migrations");
  const rows = tables.every(([, n]) => n >= 0) ? `, ${tables.reduce((sum, [, n]) => sum + n, 0)} rows` : "";
  console.log(`Backed up the ${summary.provider === "sqlite" ? "SQLite" : "PostgreSQL"} database (${tables.length} tables${rows}) to ${summary.file}`);
  console.log(`Restore it into an empty database with: npm run db:restore -- ${summary.file}`);
} catch (error) {
  console.error(error instanceof BackupError || error instanceof ConfigError ? error.message : `The backup failed: ${(error as Error).message}`);
  process.exit(1);
}
