import { mkdirSync } from "node:fs";
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

/** file:… is SQLite; postgres(ql)://… is PostgreSQL. */
export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must be file:PATH (SQLite) or postgresql://… (PostgreSQL), not ${url.split(":")[0]}:…`);
}

/** The SQLite file of a file: URL, its folder created (SQLite will not create folders). */
export function sqliteFile(url: string): string {
  const file = url.slice("file:".length);
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return file;
}
