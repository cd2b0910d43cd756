import type { Metadata } from "next";
import Link from "next/link";
import { FormError } from "@/components/forms/FormError";
import { formErrorMessage } from "@/lib/forms/messages";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

type Search = Promise<{ error?: string; email?: string; next?: string }>;

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const { error, email, next } = await searchParams;
  return (
    <main className="narrow">
      <h1>Sign in</h1>
      <p className="lead">Progress you made in this browser without an account is added to your account.</p>
      <FormError message={formErrorMessage(error)} />
      <form method="post" action="/api/account/sign-in" className="account-form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={email ?? ""} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required maxLength={256} />
        </label>
        <input type="hidden" name="next" value={next ?? ""} />
        <button className="button" type="submit">
          Sign in
        </button>
      </form>
      <p>
        No account yet? <Link href={`/account/sign-up${next ? `?next=${encodeURIComponent(next)}` : ""}`}>Create one</Link>.
      </p>
    </main>
  );
}
