/** Against a real SQLite file, migrated by the same command npm start and CI use. */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../prisma/generated/client";
import { recordLearnerSeen } from "./learners";

const url = `file:${path.join(mkdtempSync(path.join(tmpdir(), "dojo-db-")), "test.db")}`;
let database: PrismaClient;

beforeAll(() => {
  const migrate = () => execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
  expect(migrate()).toMatch(/successfully applied/);
  // A second run applies nothing: every migration is recorded once.
  expect(migrate()).toMatch(/No pending migrations/);
  database = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
});
afterAll(() => database?.$disconnect());

describe("learners", () => {
  it("are created once and then only marked as seen, even when tabs race", async () => {
    const first = new Date("2026-11-27T10:00:00Z");
    const later = new Date("2026-11-27T11:00:00Z");
    await Promise.all([recordLearnerSeen(database, "learner-a", first), recordLearnerSeen(database, "learner-a", first)]);
    await recordLearnerSeen(database, "learner-a", later);
    expect(await database.learner.findMany()).toEqual([{ id: "learner-a", createdAt: first, lastSeenAt: later }]);
  });
});
