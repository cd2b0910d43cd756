/** Instructor-only pages and routes: who is asking, and whether they may. */
import { redirect } from "next/navigation";
import type { Account } from "../data/accounts";
import { currentAccount } from "./session";

/** The signed-in instructor; sends anyone signed out to sign in first, and gives null for a learner account. */
export async function requireInstructorPage(path: string): Promise<Account | null> {
  const account = await currentAccount();
  if (!account) redirect(`/account/sign-in?next=${encodeURIComponent(path)}`);
  return account.role === "instructor" ? account : null;
}

/** For route handlers: the signed-in instructor, or null. */
export async function signedInInstructor(): Promise<Account | null> {
  const account = await currentAccount();
  return account?.role === "instructor" ? account : null;
}
