/** Passed lesson steps. */
import type { Database } from "./client";
import { isUniqueViolation } from "./errors";

/**
 * Records a passed step. Idempotent: a double click, two tabs or a retried request all
 * leave exactly one row, with the time of the first pass. (An insert that loses the race
 * is the idempotence, not an error: Prisma's upsert is not atomic on PostgreSQL.)
 */
export async function recordStepPassed(db: Database, learnerId: string, lesson: string, step: string, at = new Date()): Promise<void> {
  try {
    await db.stepCompletion.create({ data: { learnerId, lesson, step, passedAt: at } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

/** Steps the learner has passed, per lesson slug. */
export async function passedSteps(db: Database, learnerId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.stepCompletion.findMany({ where: { learnerId }, select: { lesson: true, step: true } });
  const byLesson = new Map<string, Set<string>>();
  for (const { lesson, step } of rows) byLesson.set(lesson, (byLesson.get(lesson) ?? new Set()).add(step));
  return byLesson;
}
