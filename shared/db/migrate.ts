/**
 * Applies the SQL migrations in prisma/migrations/<provider>/NNNN_name/migration.sql, each
 * once and in order, each in a transaction, recording what ran in `_dojo_migrations`. The
 * runner is umzug (Prisma's own `migrate deploy` fails on PostgreSQL with the JS engine,
 * prisma/orm#27403), so both databases are migrated the same way.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Umzug, type UmzugStorage } from "umzug";
import { connect, type SqlConnection } from "./sql-connection";
import { providerOf } from "./url";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

function storage(db: SqlConnection): UmzugStorage {
  const ready = db.exec('CREATE TABLE IF NOT EXISTS "_dojo_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)');
  return {
    async executed() {
      await ready;
      return (await db.query<{ name: string }>('SELECT "name" FROM "_dojo_migrations" ORDER BY "name"')).map((r) => r.name);
    },
    async logMigration({ name }) {
      await db.query('INSERT INTO "_dojo_migrations" ("name", "appliedAt") VALUES ($1, $2)', [name, new Date().toISOString()]);
    },
    async unlogMigration({ name }) {
      await db.query('DELETE FROM "_dojo_migrations" WHERE "name" = $1', [name]);
    },
  };
}

/** Applies pending migrations; returns the names applied (none on a second run). */
export async function migrate(url: string, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const provider = providerOf(url);
  const sqlite = provider === "sqlite";
  const dir = path.join(migrationsDir, provider);
  const db = await connect(url);
  try {
    const umzug = new Umzug({
      migrations: readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
        .map((name) => ({
          name,
          up: async () => {
            const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
            // SQLite changes a column by copying the table and dropping the old one. With
            // foreign keys on, that DROP would cascade and delete every row pointing at the
            // table (progress!), and the PRAGMA Prisma writes into the SQL is a no-op inside a
            // transaction. So keys go off around the transaction and are checked before commit.
            if (sqlite) await db.exec("PRAGMA foreign_keys = OFF");
            // Each migration commits whole or not at all (both databases have transactional DDL).
            await db.exec("BEGIN");
            try {
              await db.exec(sql);
              if (sqlite) await refuseBrokenForeignKeys(db);
              await db.exec("COMMIT");
            } catch (error) {
              await db.exec("ROLLBACK");
              throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
            } finally {
              if (sqlite) await db.exec("PRAGMA foreign_keys = ON");
            }
          },
        })),
      storage: storage(db),
      logger: undefined,
    });
    return (await umzug.up()).map((m) => m.name);
  } finally {
    await db.close();
  }
}

async function refuseBrokenForeignKeys(db: SqlConnection): Promise<void> {
  const broken = await db.query<{ table: string; parent: string }>("PRAGMA foreign_key_check");
  if (broken.length > 0) throw new Error(`it would leave ${broken.length} row(s) pointing at missing rows (first: ${broken[0]!.table} → ${broken[0]!.parent})`);
}
