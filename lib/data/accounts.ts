/**
 * Accounts and their signed-in sessions. Passwords arrive here already hashed
 * (lib/auth/password.ts); session tokens arrive already hashed (lib/auth/session.ts).
 * Failed sign-ins are counted as attempts (attempts.ts).
 */
import { z } from "zod";
import type { Database } from "../../shared/db/client";
import { isUniqueViolation } from "../../shared/db/errors";

export const ROLES = ["learner", "instructor"] as const;
export type Role = (typeof ROLES)[number];

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An email address can be at most 254 characters long.")
  .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, "That does not look like an email address.");

export const passwordSchema = z
  .string()
  .min(10, "A password needs at least 10 characters.")
  .max(256, "A password can be at most 256 characters long.");

export interface Account {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  learnerId: string | null;
}

export class EmailTakenError extends Error {
  constructor() {
    super("There is already an account with that email address. Sign in instead.");
  }
}

function toAccount(row: { id: string; email: string; role: string; passwordHash: string; learner: { id: string } | null }): Account {
  return { id: row.id, email: row.email, role: row.role as Role, passwordHash: row.passwordHash, learnerId: row.learner?.id ?? null };
}

/**
 * Creates the account and makes `learnerId` its learner, so everything that learner did
 * anonymously now belongs to the account. Both happen or neither does.
 */
export async function createAccount(
  db: Database,
  input: { id: string; email: string; passwordHash: string; role: Role; learnerId: string },
  now = new Date(),
): Promise<Account> {
  try {
    await db.$transaction([
      db.account.create({ data: { id: input.id, email: input.email, passwordHash: input.passwordHash, role: input.role, createdAt: now } }),
      db.learner.upsert({
        where: { id: input.learnerId },
        create: { id: input.learnerId, accountId: input.id, createdAt: now, lastSeenAt: now },
        update: { accountId: input.id, lastSeenAt: now },
      }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
  return { id: input.id, email: input.email, role: input.role, passwordHash: input.passwordHash, learnerId: input.learnerId };
}

export async function findAccountByEmail(db: Database, email: string): Promise<Account | null> {
  const row = await db.account.findUnique({ where: { email }, include: { learner: { select: { id: true } } } });
  return row ? toAccount(row) : null;
}

/** The account a learner belongs to, if they have claimed their progress. */
export async function accountIdOfLearner(db: Database, learnerId: string): Promise<string | null> {
  return (await db.learner.findUnique({ where: { id: learnerId }, select: { accountId: true } }))?.accountId ?? null;
}

/** An account that has no learner yet (created before it had one) gets this one. */
export async function attachLearner(db: Database, accountId: string, learnerId: string, now = new Date()): Promise<void> {
  await db.learner.upsert({
    where: { id: learnerId },
    create: { id: learnerId, accountId, createdAt: now, lastSeenAt: now },
    update: { accountId },
  });
}

/**
 * Moves an anonymous learner's progress into an account's learner (signing in on a
 * browser where someone learned without an account), then forgets the anonymous one.
 * Steps passed on both keep their earliest time. A learner who belongs to an account is
 * never merged: that would hand one account's progress to another.
 */
export async function mergeAnonymousLearner(db: Database, fromId: string, intoId: string): Promise<number> {
  if (fromId === intoId) return 0;
  return db.$transaction(async (tx) => {
    const from = await tx.learner.findUnique({ where: { id: fromId }, include: { completions: true } });
    if (!from || from.accountId !== null) return 0;
    const existing = await tx.stepCompletion.findMany({ where: { learnerId: intoId } });
    const known = new Map(existing.map((c) => [`${c.lesson}\u0000${c.step}`, c]));
    let moved = 0;
    for (const completion of from.completions) {
      const key = `${completion.lesson}\u0000${completion.step}`;
      const there = known.get(key);
      if (!there) {
        await tx.stepCompletion.create({ data: { learnerId: intoId, lesson: completion.lesson, step: completion.step, passedAt: completion.passedAt } });
        moved++;
      } else if (completion.passedAt < there.passedAt) {
        await tx.stepCompletion.update({
          where: { learnerId_lesson_step: { learnerId: intoId, lesson: completion.lesson, step: completion.step } },
          data: { passedAt: completion.passedAt },
        });
      }
    }
    const into = await tx.learner.findUnique({ where: { id: intoId }, select: { displayName: true } });
    if (into && into.displayName === null && from.displayName !== null) {
      await tx.learner.update({ where: { id: intoId }, data: { displayName: from.displayName } });
    }
    await tx.learner.delete({ where: { id: fromId } });
    return moved;
  });
}

export async function createSession(db: Database, session: { id: string; accountId: string; expiresAt: Date }, now = new Date()): Promise<void> {
  await db.accountSession.create({ data: { ...session, createdAt: now } });
  // Expired sessions of this account are of no use to anyone.
  await db.accountSession.deleteMany({ where: { accountId: session.accountId, expiresAt: { lte: now } } });
}

/** The account behind a session token's hash, if the session exists and has not expired. */
export async function accountOfSession(db: Database, sessionId: string, now = new Date()): Promise<Account | null> {
  const row = await db.accountSession.findUnique({
    where: { id: sessionId },
    include: { account: { include: { learner: { select: { id: true } } } } },
  });
  if (!row || row.expiresAt <= now) return null;
  return toAccount(row.account);
}

export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.accountSession.deleteMany({ where: { id: sessionId } });
}
