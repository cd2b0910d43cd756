/** Learner records. Anonymous learners exist from their first sandbox token on. */
import { z } from "zod";
import type { Database } from "../../shared/db/client";
import { isUniqueViolation } from "../../shared/db/errors";

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "A display name cannot be empty.")
  .max(40, "A display name can be at most 40 characters long.")
  .regex(/^[^\p{C}<>]+$/u, "A display name cannot contain control characters or angle brackets.");

/** Creates the learner on first sight; afterwards only moves lastSeenAt. Safe under concurrent calls. */
export async function recordLearnerSeen(db: Database, id: string, now = new Date()): Promise<void> {
  const { count } = await db.learner.updateMany({ where: { id }, data: { lastSeenAt: now } });
  if (count > 0) return;
  try {
    await db.learner.create({ data: { id, createdAt: now, lastSeenAt: now } });
  } catch (error) {
    // Another request created it first: mark it seen instead.
    if (!isUniqueViolation(error)) throw error;
    await db.learner.update({ where: { id }, data: { lastSeenAt: now } });
  }
}

/** Sets the learner's display name; throws a ZodError with a sentence for a bad one. */
export async function setDisplayName(db: Database, id: string, name: string): Promise<string> {
  const displayName = displayNameSchema.parse(name);
  await db.learner.update({ where: { id }, data: { displayName } });
  return displayName;
}
