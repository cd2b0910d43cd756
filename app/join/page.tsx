import type { Metadata } from "next";
import { FormError } from "@/components/forms/FormError";
import { formErrorMessage } from "@/lib/forms/messages";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Join a workshop" };

type Search = Promise<{ code?: string; name?: string; error?: string }>;

export default async function JoinPage({ searchParams }: { searchParams: Search }) {
  const { code, name, error } = await searchParams;
  return (
    <main className="narrow">
      <h1>Join a workshop</h1>
      <p className="lead">Type the code your instructor shows and the name they should see. No account needed.</p>
      <FormError message={formErrorMessage(error)} />
      <form method="post" action="/api/workshops/join" className="account-form">
        <label>
          Workshop code
          <input name="code" type="text" required autoComplete="off" autoCapitalize="characters" maxLength={12} defaultValue={code ?? ""} className="join-code" />
        </label>
        <label>
          Your name <span className="field-note">(shown to the instructor only, at most 40 characters)</span>
          <input name="name" type="text" required autoComplete="nickname" defaultValue={name ?? ""} />
        </label>
        <button className="button" type="submit">
          Join
        </button>
      </form>
    </main>
  );
}
