/** Learner records. Anonymous learners exist from their first sandbox token on. */
import type { PrismaClient } from "../prisma/generated/client";

/** Creates the learner on first sight; afterwards only moves lastSeenAt. Safe under concurrent calls. */
export async function recordLearnerSeen(database: PrismaClient, id: string, now = new Date()): Promise<void> {
  await database.learner.upsert({ where: { id }, create: { id, createdAt: now, lastSeenAt: now }, update: { lastSeenAt: now } });
}
