/**
 * Password-guessing limits, counted in the database so they hold across restarts and
 * across several web processes: per email (protects one account from a slow, distributed
 * guess) and per address (one client trying many accounts).
 */
import { recentSignInFailures } from "../../shared/db/accounts";
import type { Database } from "../../shared/db/client";

export const SIGN_IN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export async function signInBlocked(db: Database, email: string, ip: string, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MINUTES * 60 * 1000);
  const { forEmail, fromAddress } = await recentSignInFailures(db, email, ip, since);
  return forEmail >= MAX_FAILURES_PER_EMAIL || fromAddress >= MAX_FAILURES_PER_ADDRESS;
}

/** The client's address: the first X-Forwarded-For hop (Next.js sets it from the socket when there is no proxy). */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim().slice(0, 64) || "unknown";
}
