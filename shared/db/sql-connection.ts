/** A plain SQL connection to either database, for the migration runner (not for app queries: those use Prisma). */
import Sqlite from "better-sqlite3";
import pg from "pg";
import { providerOf, sqliteFile } from "./url";

export interface SqlConnection {
  /** Runs one or more statements. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with $1-style parameters (SQLite takes them as ?). */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function connect(url: string): Promise<SqlConnection> {
  if (providerOf(url) === "sqlite") {
    const db = new Sqlite(sqliteFile(url));
    // Web and service share the file. In WAL mode (remembered by the file, so setting it
    // here, where every start migrates, covers all connections) readers never wait for a
    // writer, and a commit appends to the log instead of rewriting pages.
    db.pragma("journal_mode = WAL");
    return {
      exec: async (sql) => void db.exec(sql),
      query: async <Row>(sql: string, params: unknown[] = []) => {
        const statement = db.prepare(sql.replace(/\$\d+/g, "?"));
        return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
      },
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
    close: () => client.end(),
  };
}
