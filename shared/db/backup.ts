/**
 * Backups an operator can take while the platform serves, and their restore into an empty
 * database (`npm run db:backup`, `npm run db:restore FILE`; README, "Operating").
 *
 * - SQLite: SQLite's online backup API (better-sqlite3's backup()): a consistent copy,
 *   page by page, while the web app and the service keep writing. The backup is itself a
 *   SQLite database; restoring copies it the same way into DATABASE_URL's file.
 * - PostgreSQL: pg_dump's custom format, restored with pg_restore in one transaction
 *   (Debian's postgresql-client, of the server's major version or newer). Connection
 *   details go to them as PG* environment variables, never on a command line others can read.
 *
 * A restore only ever goes into an empty database, so it can never overwrite data; then
 * pending migrations run, so a backup from an older version comes back up to date.
 * Every refusal is a sentence (BackupError).
 */
import { execFile } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Sqlite from "better-sqlite3";
import { migrate } from "./migrate";
import { connect } from "./sql-connection";
import { providerOf, sqliteFile, type DatabaseProvider } from "./url";

const run = promisify(execFile);

/** A problem the operator can fix, said in a sentence. */
export class BackupError extends Error {}

export interface BackupSummary {
  file: string;
  provider: DatabaseProvider;
  /** Rows per table in the backup (SQLite), or the tables whose rows it holds (PostgreSQL: -1, pg_dump does not count). */
  tables: Record<string, number>;
}

/** The bookkeeping table of migrations: its presence says a database is the platform's. */
const MIGRATIONS_TABLE = "_dojo_migrations";
const SQLITE_MAGIC = "SQLite format 3\0";
const PG_DUMP_MAGIC = "PGDMP";

/** Where a backup goes when the operator names no file: DOJO_DATA_DIR/backups/dojo-<time>.<kind>. */
export function defaultBackupFile(url: string, dataDir: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return path.join(dataDir, "backups", `dojo-${stamp}.${providerOf(url) === "sqlite" ? "sqlite" : "pgdump"}`);
}

export async function backupDatabase(url: string, file: string): Promise<BackupSummary> {
  if (existsSync(file)) throw new BackupError(`${file} already exists; a backup never overwrites a file. Name another one.`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (providerOf(url) === "sqlite") {
    const source = sqliteFile(url);
    if (!existsSync(source)) throw new BackupError(`There is no database at ${source} (DATABASE_URL) yet: nothing to back up.`);
    const db = new Sqlite(source, { readonly: true, fileMustExist: true });
    try {
      await db.backup(file);
    } finally {
      db.close();
    }
    return { file, provider: "sqlite", tables: inspectSqliteBackup(file) };
  }
  await pgTool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], url);
  return { file, provider: "postgresql", tables: Object.fromEntries((await pgDumpTables(file)).map((table) => [table, -1])) };
}

export async function restoreDatabase(url: string, file: string): Promise<BackupSummary> {
  const kind = backupKind(file);
  const provider = providerOf(url);
  if (kind !== provider) {
    throw new BackupError(
      `${file} is a ${kind === "sqlite" ? "SQLite" : "PostgreSQL"} backup, but DATABASE_URL is a ${provider === "sqlite" ? "SQLite" : "PostgreSQL"} database. Restore it into a ${kind === "sqlite" ? "file:… URL" : "postgresql://… URL"}.`,
    );
  }
  let tables: Record<string, number>;
  if (provider === "sqlite") {
    tables = inspectSqliteBackup(file);
    const target = sqliteFile(url);
    if (existsSync(target) && statSync(target).size > 0) {
      throw new BackupError(`${target} (DATABASE_URL) already exists; a restore never overwrites a database. Stop the platform, move that file away, and restore again.`);
    }
    // A write-ahead log left by the database that was there (after a crash) would be
    // replayed into the restored one and corrupt it.
    for (const leftover of [`${target}-wal`, `${target}-shm`]) {
      if (existsSync(leftover)) throw new BackupError(`${leftover} is left from the database that was at ${target}; move it away with that database, then restore again.`);
    }
    const backup = new Sqlite(file, { readonly: true, fileMustExist: true });
    try {
      await backup.backup(target);
    } finally {
      backup.close();
    }
  } else {
    const existing = await publicTables(url);
    if (existing > 0) {
      throw new BackupError(
        `The database in DATABASE_URL already has ${existing} table(s); a restore never overwrites a database. Create an empty one (createdb NAME), point DATABASE_URL at it, and restore again.`,
      );
    }
    tables = Object.fromEntries((await pgDumpTables(file)).map((table) => [table, -1]));
    // One transaction: a restore that fails half-way leaves the database empty, not half restored.
    await pgTool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${pgEnv(url).PGDATABASE}`, file], url);
  }
  // A backup from an older version of the platform comes back with today's schema.
  await migrate(url);
  return { file, provider, tables };
}

/** What a file is, by its first bytes. */
function backupKind(file: string): DatabaseProvider {
  if (!existsSync(file)) throw new BackupError(`There is no file ${file}.`);
  const head = Buffer.alloc(16);
  const fd = openSync(file, "r");
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1") === SQLITE_MAGIC) return "sqlite";
  if (head.subarray(0, PG_DUMP_MAGIC.length).toString("latin1") === PG_DUMP_MAGIC) return "postgresql";
  throw new BackupError(`${file} is not a backup made by npm run db:backup (neither a SQLite database nor a pg_dump archive).`);
}

/** Checks a SQLite backup is whole and the platform's; rows per table. */
function inspectSqliteBackup(file: string): Record<string, number> {
  let db: Sqlite.Database | undefined;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new BackupError(`${file} is damaged (SQLite's integrity check says: ${String(integrity)}).`);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
    if (!names.includes(MIGRATIONS_TABLE)) throw new BackupError(`${file} is a SQLite database, but not one of this platform (it has no ${MIGRATIONS_TABLE} table).`);
    return Object.fromEntries(names.map((name) => [name, (db!.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} cannot be read as a SQLite database (${(error as Error).message}).`);
  } finally {
    db?.close();
  }
}

async function publicTables(url: string): Promise<number> {
  let db;
  try {
    db = await connect(url);
  } catch (error) {
    throw new BackupError(`Cannot connect to the database in DATABASE_URL (${(error as Error).message}). Create it first (createdb NAME) if it does not exist.`);
  }
  try {
    const [row] = await db.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
    return Number(row?.n ?? 0);
  } finally {
    await db.close();
  }
}

/** The tables whose rows a pg_dump archive holds (and proof that pg_restore can read it). */
async function pgDumpTables(file: string): Promise<string[]> {
  const { stdout } = await pgTool("pg_restore", ["--list", file]);
  return [...stdout.matchAll(/ TABLE DATA public (\S+) /g)].map((match) => match[1]!.replace(/^"|"$/g, "")).sort();
}

/** libpq's connection variables for a postgresql:// URL (Prisma-only parameters such as ?schema= are left out). */
function pgEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  const env: Record<string, string> = {
    PGHOST: parsed.searchParams.get("host") ?? parsed.hostname.replace(/^\[|\]$/g, ""),
    PGPORT: parsed.port || "5432",
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)) || "postgres",
  };
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

async function pgTool(program: "pg_dump" | "pg_restore", args: string[], url?: string): Promise<{ stdout: string }> {
  try {
    return await run(program, args, { env: { ...process.env, ...(url ? pgEnv(url) : {}) }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") {
      throw new BackupError(`${program} was not found. Install PostgreSQL's client programs (Debian: apt-get install postgresql-client), of the server's version or newer.`);
    }
    const said = (e.stderr ?? "").trim().split("\n").slice(0, 3).join(" ") || e.message;
    throw new BackupError(`${program} failed: ${said}`);
  }
}
