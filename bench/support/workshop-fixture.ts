/**
 * What the workshop benchmark sets up before any service runs: a database of its own (a
 * fresh SQLite file in the run's scratch folder, migrated like production's), an
 * instructor account, and the lesson and step the learners work on, read from the lesson
 * files (the first lesson of the course and its first step), never named here.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createAccount } from "../../lib/data/accounts";
import { createDatabase, type Database } from "../../shared/db/client";
import { migrate } from "../../shared/db/migrate";
import { createWorkshop, joinWorkshop, type Workshop } from "../../shared/db/workshops";
import { loadLessons } from "../../shared/lessons/loader";
import { newLearnerId } from "../../shared/token";
import { REPO_ROOT } from "./service-process";
import type { TemplateName } from "../../shared/templates";

export interface BenchDatabase {
  /** DATABASE_URL for the service. */
  url: string;
  db: Database;
  close(): Promise<void>;
}

/** A new SQLite database in `dir`, with every migration applied. */
export async function freshBenchDatabase(dir: string): Promise<BenchDatabase> {
  const url = `file:${path.join(dir, "workshop-bench.db")}`;
  await migrate(url, path.join(REPO_ROOT, "prisma", "migrations"));
  const db = createDatabase(url);
  return { url, db, close: () => db.$disconnect() };
}

/** An instructor account (it never signs in: the benchmark signs its dashboard token itself). */
export async function createInstructor(db: Database): Promise<string> {
  const id = randomUUID();
  await createAccount(db, { id, email: `bench-${id.slice(0, 8)}@example.org`, passwordHash: "!benchmark: no password", role: "instructor", learnerId: newLearnerId() });
  return id;
}

export interface WorkshopLesson {
  slug: string;
  title: string;
  template: TemplateName;
  step: { id: string; title: string; solve: string };
}

/** The course's first lesson (loadLessons order) and its first step. */
export async function firstLesson(): Promise<WorkshopLesson> {
  const lessons = await loadLessons(path.join(REPO_ROOT, "lessons"));
  const lesson = lessons[0];
  if (!lesson) throw new Error("there are no lessons in lessons/");
  const step = lesson.meta.steps[0];
  if (!step) throw new Error(`${lesson.meta.file} has no steps: the benchmark needs one to solve and check`);
  if (typeof step.solve !== "string") throw new Error(`${lesson.meta.file}: the benchmark types its first step's solve into one terminal, so it must be one script`);
  return { slug: lesson.meta.slug, title: lesson.meta.title, template: lesson.meta.template, step: { id: step.id, title: step.title, solve: step.solve } };
}

/** A workshop of that lesson, open from a minute ago for three hours. */
export function openWorkshop(db: Database, owner: string, lesson: WorkshopLesson, capacity: number, title: string): Promise<Workshop> {
  const now = Date.now();
  return createWorkshop(db, { ownerId: owner, title, lessons: [lesson.slug], capacity, opensAt: new Date(now - 60_000), closesAt: new Date(now + 3 * 3600_000) });
}

/** A learner submits the join form at most this many times when it fails with an error. */
export const JOIN_ATTEMPTS = 3;

export interface Seated {
  /** The successful attempt, ms. */
  ms: number;
  /** Attempts that failed with an error (not a refusal) before it: what the learner would have seen as an error page. */
  errors: string[];
}

/**
 * Seats a learner as the web app's join route does (joinWorkshop). An attempt that fails
 * with an error (the database was busy, say) is tried again a moment later, as a learner
 * would submit the form again, up to JOIN_ATTEMPTS; every such error is returned. A
 * refusal (full, closed) or the last error throws.
 */
export async function seat(db: Database, workshop: Pick<Workshop, "code">, learnerId: string, displayName: string): Promise<Seated> {
  const errors: string[] = [];
  for (;;) {
    const started = performance.now();
    try {
      const joined = await joinWorkshop(db, { code: workshop.code, learnerId, displayName });
      if (!joined.ok) throw new JoinRefused(joined.refusal);
      return { ms: performance.now() - started, errors };
    } catch (error) {
      if (error instanceof JoinRefused) throw error;
      // Prisma's messages run over several lines with the call site; the last line says what happened.
      const message = (error instanceof Error ? error.message : String(error)).trim().split("\n").at(-1) ?? "";
      errors.push(`after ${Math.round(performance.now() - started)} ms: ${message}`);
      if (errors.length >= JOIN_ATTEMPTS) throw new Error(`joining failed ${errors.length} times; last ${errors.at(-1)}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 500));
    }
  }
}

class JoinRefused extends Error {
  constructor(readonly refusal: string) {
    super(`joining the workshop was refused: ${refusal}`);
  }
}
