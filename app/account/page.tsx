import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { FormError } from "@/components/forms/FormError";
import { formErrorMessage } from "@/lib/forms/messages";
import { currentAccount } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { LEARNER_COOKIE } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { readLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account" };

type Search = Promise<{ error?: string; name?: string; saved?: string }>;

export default async function AccountPage({ searchParams }: { searchParams: Search }) {
  const { error, name, saved } = await searchParams;
  const account = await currentAccount();
  const learnerId = readLearnerCookie((await cookies()).get(LEARNER_COOKIE)?.value, webConfig().DOJO_SECRET);
  const learner = learnerId ? await db().learner.findUnique({ where: { id: learnerId }, select: { displayName: true } }) : null;
  return (
    <main className="narrow" data-testid="account-page">
      <h1>Account</h1>
      {account ? (
        <p className="lead" data-testid="signed-in-as">
          Signed in as <strong>{account.email}</strong>
          {account.role === "instructor" ? " (instructor)" : ""}. Your progress is kept with your account.
        </p>
      ) : (
        <p className="lead" data-testid="anonymous">
          You are learning without an account: your progress lives in this browser. <Link href="/account/sign-up">Create an account</Link> to
          keep it on any device, or <Link href="/account/sign-in">sign in</Link>.
        </p>
      )}

      <h2>Display name</h2>
      <p>The name instructors see in a workshop. You do not need an account for it.</p>
      <FormError message={formErrorMessage(error)} />
      {saved === "name" ? (
        <p className="form-saved" role="status" data-testid="form-saved">
          Display name saved.
        </p>
      ) : null}
      <form method="post" action="/api/account/display-name" className="account-form inline">
        <label>
          Display name <span className="field-note">(at most 40 characters)</span>
          <input name="name" type="text" autoComplete="nickname" defaultValue={name ?? learner?.displayName ?? ""} data-testid="display-name" />
        </label>
        <button className="button" type="submit">
          Save
        </button>
      </form>

      {account ? (
        <form method="post" action="/api/account/sign-out">
          <button className="button secondary" type="submit">
            Sign out
          </button>
        </form>
      ) : null}
    </main>
  );
}
