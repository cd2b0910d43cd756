/**
 * Signed-in sessions: the cookie carries 32 random bytes; the database keeps only their
 * SHA-256, so the session table is useless to someone who copies it.
 */
import { createHash, randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { accountOfSession, type Account } from "../data/accounts";
import { SESSION_COOKIE } from "../../shared/cookies";
import { db } from "../db";

export { SESSION_COOKIE };
export const SESSION_DAYS = 30;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge: SESSION_DAYS * 24 * 60 * 60 };
}

/** The signed-in account of the current request, for server components and route handlers. */
export async function currentAccount(): Promise<Account | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token || token.length > 100) return null;
  return accountOfSession(db(), sessionIdOf(token));
}
