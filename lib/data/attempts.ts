/**
 * Attempts counted against a limit on what one client may ask for (failed sign-ins, wrong
 * workshop codes, wrong instructor codes, sandbox tokens). The rules live in
 * lib/limits/attempt-limit.ts; this is their storage, shared by every web process.
 */
import type { Database } from "../../shared/db/client";

/** Every limit counted in the database. */
export type AttemptKind = "sign-in-email" | "sign-in-address" | "join-code" | "instructor-code" | "sandbox-token";

/** Attempts older than this count toward no limit (every window is shorter) and are deleted. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** Longer keys are cut: an email is at most 254 characters, an address far less. */
const MAX_KEY_CHARS = 254;

/**
 * Records one attempt, then counts the attempts of this kind and key after `since` that
 * were recorded before it, itself included: its place in line. Recording before counting
 * is what makes a limit hold under a flood (of many parallel attempts, the first `max` to
 * be recorded are within it, whatever order their counts run in), and counting only
 * earlier ones keeps a flood from refusing those first `max` too.
 */
export async function recordAttempt(db: Database, kind: AttemptKind, key: string, since: Date, now = new Date()): Promise<{ id: number; count: number }> {
  const { id } = await db.attempt.create({ data: { kind, key: key.slice(0, MAX_KEY_CHARS), at: now }, select: { id: true } });
  const count = await db.attempt.count({ where: { kind, key: key.slice(0, MAX_KEY_CHARS), at: { gt: since }, id: { lte: id } } });
  await db.attempt.deleteMany({ where: { at: { lt: new Date(now.getTime() - KEEP_MS) } } });
  return { id, count };
}

/** Takes an attempt back: it no longer counts (it succeeded, or it was refused anyway). */
export async function forgetAttempt(db: Database, id: number): Promise<void> {
  await db.attempt.deleteMany({ where: { id } });
}

/** Attempts of this kind and key after `since`. */
export async function countAttempts(db: Database, kind: AttemptKind, key: string, since: Date): Promise<number> {
  return db.attempt.count({ where: { kind, key: key.slice(0, MAX_KEY_CHARS), at: { gt: since } } });
}
