/**
 * Signing up, in and out, and what each does to the browser's learner: progress made
 * anonymously is claimed by the account it signs up or in with, and signing out leaves
 * an anonymous learner behind, so the next person at a shared computer starts fresh.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import {
  accountIdOfLearner,
  attachLearner,
  createAccount,
  createSession,
  deleteSession,
  EmailTakenError,
  emailSchema,
  findAccountByEmail,
  mergeAnonymousLearner,
  passwordSchema,
  type Role,
} from "../data/accounts";
import type { Database } from "../../shared/db/client";
import { newLearnerId } from "../../shared/token";
import type { FormErrorCode } from "../forms/messages";
import { hashPassword, verifyPassword } from "./password";
import { newSessionToken, SESSION_DAYS, sessionIdOf } from "./session";
import { SIGN_IN_PER_ADDRESS, SIGN_IN_PER_EMAIL, takeAttempt, takeAttempts, type AttemptLimit } from "../attempt-limits";

export type FlowResult = { ok: true; sessionToken: string; learnerId: string } | { ok: false; error: FormErrorCode };

interface SignUpInput {
  email: string;
  password: string;
  role: Role;
  instructorCode: string;
}

/** Who may sign up as an instructor: anyone (no code), or who knows the code, guessing it at most `guesses` allows. */
export interface InstructorCodePolicy {
  code: string | undefined;
  guesses: AttemptLimit;
}

export async function signUp(db: Database, input: SignUpInput, browserLearner: string | null, instructors: InstructorCodePolicy, address: string): Promise<FlowResult> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) return { ok: false, error: "invalid-email" };
  const password = passwordSchema.safeParse(input.password);
  if (!password.success) return { ok: false, error: input.password.length < 10 ? "short-password" : "long-password" };
  if (input.role === "instructor" && instructors.code !== undefined) {
    // Counted before the comparison, so a blocked guesser learns nothing from the answer.
    const guess = await takeAttempt(db, instructors.guesses, address);
    if (!guess) return { ok: false, error: "too-many-instructor-codes" };
    if (!sameSecret(input.instructorCode, instructors.code)) return { ok: false, error: "instructor-code" };
    await guess.release();
  }
  // The browser's anonymous progress becomes the account's; a learner that already
  // belongs to another account stays with it, and the new account starts fresh.
  const learnerId = browserLearner && (await accountIdOfLearner(db, browserLearner)) === null ? browserLearner : newLearnerId();
  try {
    const account = await createAccount(db, { id: randomUUID(), email: email.data, passwordHash: await hashPassword(password.data), role: input.role, learnerId });
    return { ok: true, sessionToken: await startSession(db, account.id), learnerId };
  } catch (error) {
    if (error instanceof EmailTakenError) return { ok: false, error: "email-taken" };
    throw error;
  }
}

export async function signIn(db: Database, input: { email: string; password: string }, browserLearner: string | null, ip: string): Promise<FlowResult> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) return { ok: false, error: "invalid-email" };
  if (input.password.length > 256) return { ok: false, error: "wrong-credentials" };
  // Counted before the password is checked, so a blocked guesser learns nothing from the answer.
  const attempt = await takeAttempts(db, [
    [SIGN_IN_PER_EMAIL, email.data],
    [SIGN_IN_PER_ADDRESS, ip],
  ]);
  if (!attempt) return { ok: false, error: "too-many-attempts" };
  const account = await findAccountByEmail(db, email.data);
  if (!(await verifyPassword(account?.passwordHash ?? null, input.password)) || !account) return { ok: false, error: "wrong-credentials" };
  // Only failures count.
  await attempt.release();
  let learnerId = account.learnerId;
  const browserIsAnonymous = browserLearner !== null && (await accountIdOfLearner(db, browserLearner)) === null;
  if (learnerId === null) {
    learnerId = browserIsAnonymous ? browserLearner! : newLearnerId();
    await attachLearner(db, account.id, learnerId);
  } else if (browserIsAnonymous) {
    await mergeAnonymousLearner(db, browserLearner!, learnerId);
  }
  return { ok: true, sessionToken: await startSession(db, account.id), learnerId };
}

export async function signOut(db: Database, sessionToken: string | undefined): Promise<void> {
  if (sessionToken) await deleteSession(db, sessionIdOf(sessionToken));
}

/**
 * Whether a typed secret equals the expected one, in a time that depends on neither where
 * they first differ nor their lengths (both are hashed to 32 bytes first), so timing the
 * answers reveals nothing of the code.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function startSession(db: Database, accountId: string): Promise<string> {
  const token = newSessionToken();
  await createSession(db, { id: sessionIdOf(token), accountId, expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 60 * 60 * 1000) });
  return token;
}
