import type { Metadata } from "next";
import Link from "next/link";
import { FormError } from "@/components/forms/FormError";
import { formErrorMessage } from "@/lib/forms/messages";
import { webConfig } from "@/shared/config";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create an account" };

type Search = Promise<{ error?: string; email?: string; role?: string; next?: string }>;

export default async function SignUpPage({ searchParams }: { searchParams: Search }) {
  const { error, email, role, next } = await searchParams;
  const codeRequired = webConfig().INSTRUCTOR_SIGNUP_CODE !== undefined;
  return (
    <main className="narrow">
      <h1>Create an account</h1>
      <p className="lead">
        You never need an account to learn. With one, your progress follows you to any browser, and everything you have done here so far is
        kept.
      </p>
      <FormError message={formErrorMessage(error)} />
      <form method="post" action="/api/account/sign-up" className="account-form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={email ?? ""} />
        </label>
        <label>
          Password <span className="field-note">(at least 10 characters)</span>
          <input name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={256} />
        </label>
        <fieldset>
          <legend>I am here to</legend>
          <label className="choice">
            <input type="radio" name="role" value="learner" defaultChecked={role !== "instructor"} /> learn
          </label>
          <label className="choice">
            <input type="radio" name="role" value="instructor" defaultChecked={role === "instructor"} /> run workshops (instructor)
          </label>
        </fieldset>
        {codeRequired ? (
          <label>
            Instructor sign-up code <span className="field-note">(only for instructors)</span>
            <input name="instructorCode" type="password" autoComplete="off" maxLength={256} />
          </label>
        ) : null}
        <input type="hidden" name="next" value={next ?? ""} />
        <button className="button" type="submit">
          Create account
        </button>
      </form>
      <p>
        Already have one? <Link href="/account/sign-in">Sign in</Link>.
      </p>
    </main>
  );
}
