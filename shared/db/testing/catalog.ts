/**
 * A database's structure as plain data (tables, columns, keys, indexes, foreign keys), so
 * two databases built different ways can be compared. Our bookkeeping table is left out.
 */
import type { SqlConnection } from "../sql-connection";
import type { DatabaseProvider } from "../url";

export async function describeSchema(db: SqlConnection, provider: DatabaseProvider): Promise<unknown> {
  if (provider === "sqlite") {
    const tables = await db.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_dojo_migrations' ORDER BY name",
    );
    const result: Record<string, unknown> = {};
    for (const { name } of tables) {
      result[name] = {
        columns: await db.query(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}') ORDER BY cid`),
        indexes: await db.query(`SELECT name, "unique" FROM pragma_index_list('${name}') ORDER BY name`),
        foreignKeys: await db.query(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('${name}') ORDER BY "from"`),
      };
    }
    return result;
  }
  return {
    columns: await db.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_dojo_migrations' ORDER BY table_name, ordinal_position`,
    ),
    indexes: await db.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_dojo_migrations' ORDER BY indexname`),
    constraints: await db.query(
      `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%_dojo_migrations%' ORDER BY conname`,
    ),
  };
}
