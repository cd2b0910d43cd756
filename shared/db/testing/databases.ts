/** Fresh, empty databases for tests: a temporary SQLite file, or a new PostgreSQL database. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect } from "../sql-connection";
import type { DatabaseProvider } from "../url";
import { TEST_POSTGRES_URL } from "./postgres";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(provider: DatabaseProvider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "dojo-db-"));
    return { url: `file:${path.join(dir, "test.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `dojo_test_${randomBytes(4).toString("hex")}`;
  const admin = await connect(TEST_POSTGRES_URL);
  await admin.exec(`CREATE DATABASE "${name}"`);
  await admin.close();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = await connect(TEST_POSTGRES_URL);
      await again.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.close();
    },
  };
}
