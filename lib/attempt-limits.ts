/**
 * Limits on what one client may ask the web app for, counted in the database so they hold
 * across restarts and across several web processes (shared/db/attempts.ts): failed
 * sign-ins per email (one account guessed slowly from many places) and per address (one
 * client trying many accounts), wrong workshop codes and instructor sign-up codes per
 * address, and sandbox tokens per address for learners without an account.
 *
 * An attempt is counted *before* it is made (`takeAttempt`), so a flood of parallel
 * requests cannot all slip under the limit; one that turns out not to count (the right
 * password, an existing workshop code) is taken back. A refused attempt is not kept, so a
 * client hammering a closed door does not keep it closed: it opens once the attempts
 * that filled it are older than the window.
 */
import type { WebConfig } from "../shared/config";
import { forgetAttempt, recordAttempt, type AttemptKind } from "./data/attempts";
import type { Database } from "../shared/db/client";

export interface AttemptLimit {
  kind: AttemptKind;
  /** Attempts allowed within the window. */
  max: number;
  windowMs: number;
}

/** The guessing window: long enough that a guesser gets a few dozen tries an hour, short enough that a typo is forgiven over a coffee. */
export const GUESS_WINDOW_MINUTES = 15;
const GUESS_WINDOW_MS = GUESS_WINDOW_MINUTES * 60 * 1000;

/** Failed sign-ins: a person mistyping five times is rare; a guesser needs thousands. */
export const SIGN_IN_PER_EMAIL: AttemptLimit = { kind: "sign-in-email", max: 5, windowMs: GUESS_WINDOW_MS };
export const SIGN_IN_PER_ADDRESS: AttemptLimit = { kind: "sign-in-address", max: 20, windowMs: GUESS_WINDOW_MS };

/** The limits an operator sets (shared/config.ts). */
export function attemptLimits(config: Pick<WebConfig, "SANDBOX_TOKENS_PER_MINUTE" | "WORKSHOP_CODE_FAILURES_PER_ADDRESS" | "INSTRUCTOR_CODE_FAILURES_PER_ADDRESS">) {
  return {
    joinCode: { kind: "join-code", max: config.WORKSHOP_CODE_FAILURES_PER_ADDRESS, windowMs: GUESS_WINDOW_MS },
    instructorCode: { kind: "instructor-code", max: config.INSTRUCTOR_CODE_FAILURES_PER_ADDRESS, windowMs: GUESS_WINDOW_MS },
    sandboxToken: { kind: "sandbox-token", max: config.SANDBOX_TOKENS_PER_MINUTE, windowMs: 60 * 1000 },
  } satisfies Record<string, AttemptLimit>;
}

/** An attempt counted toward a limit; `release` takes it back (it turned out not to count). */
export interface CountedAttempt {
  release(): Promise<void>;
}

/**
 * Counts one attempt toward `limit` for `key`. Returns it when it is within the limit, or
 * null when the limit is reached (and then it is not counted).
 */
export async function takeAttempt(db: Database, limit: AttemptLimit, key: string, now = new Date()): Promise<CountedAttempt | null> {
  const { id, count } = await recordAttempt(db, limit.kind, key, new Date(now.getTime() - limit.windowMs), now);
  const release = () => forgetAttempt(db, id);
  if (count > limit.max) {
    await release();
    return null;
  }
  return { release };
}

/** Takes an attempt on every limit, or on none: refused as soon as one is full. */
export async function takeAttempts(db: Database, wanted: Array<[AttemptLimit, string]>, now = new Date()): Promise<CountedAttempt | null> {
  const taken: CountedAttempt[] = [];
  const releaseAll = async () => {
    for (const attempt of taken) await attempt.release();
  };
  for (const [limit, key] of wanted) {
    const attempt = await takeAttempt(db, limit, key, now);
    if (!attempt) {
      await releaseAll();
      return null;
    }
    taken.push(attempt);
  }
  return { release: releaseAll };
}
