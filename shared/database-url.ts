import { mkdirSync } from "node:fs";
import path from "node:path";

/** SQLite will not create the folder of its file; do it for `file:` URLs. */
export function ensureDatabaseFolder(url: string): void {
  if (!url.startsWith("file:")) return;
  const file = url.slice("file:".length);
  if (file && file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}
