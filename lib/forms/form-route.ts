/**
 * The shared shape of every form's POST handler (accounts, workshops): refuse cross-site posts, read
 * the form, and answer with a 303 redirect — to where the user was going, or back to the
 * form with an error code.
 */
import { NextResponse, type NextRequest } from "next/server";
import { webConfig } from "../../shared/config";
import { readLearnerCookie } from "../../shared/token";
import { LEARNER_COOKIE } from "../learner";
import type { FormErrorCode } from "./messages";
import { isSameOrigin } from "./same-origin";

export interface FormContext {
  form: FormData;
  field(name: string): string;
  /** The browser's learner id; null when it has none yet. */
  learner: string | null;
  secure: boolean;
}

export type FormOutcome = { redirect: string; error?: FormErrorCode; keep?: Record<string, string>; apply?: (response: NextResponse) => void };

/** Only local paths, so a crafted `next` cannot send users to another site after signing in. */
export function safeNext(value: string | null | undefined, fallback: string): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : fallback;
}

export async function handleForm(request: NextRequest, formPage: string, handle: (context: FormContext) => Promise<FormOutcome>): Promise<NextResponse> {
  if (!isSameOrigin(request)) {
    return NextResponse.json({ error: "This form was sent from another website, so it was ignored." }, { status: 403 });
  }
  const form = await request.formData().catch(() => new FormData());
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const cookie = request.cookies.get(LEARNER_COOKIE)?.value;
  const learner = cookie ? readLearnerCookie(cookie, webConfig().DOJO_SECRET) : null;
  const secure = request.nextUrl.protocol === "https:";
  if (cookie && !learner) {
    const response = back(request, formPage, "forged-learner", {});
    response.cookies.delete(LEARNER_COOKIE);
    return response;
  }
  let outcome: FormOutcome;
  try {
    outcome = await handle({ form, field, learner, secure });
  } catch (error) {
    // A database that is busy or away: the user gets a sentence and may simply send again.
    console.error(`form ${request.nextUrl.pathname} failed:`, error);
    return back(request, formPage, "try-again", {});
  }
  if (outcome.error) return back(request, formPage, outcome.error, outcome.keep ?? {});
  const response = NextResponse.redirect(new URL(outcome.redirect, request.url), 303);
  outcome.apply?.(response);
  return response;
}

function back(request: NextRequest, formPage: string, error: FormErrorCode, keep: Record<string, string>): NextResponse {
  const url = new URL(formPage, request.url);
  url.searchParams.set("error", error);
  for (const [name, value] of Object.entries(keep)) if (value) url.searchParams.set(name, value.slice(0, 254));
  return NextResponse.redirect(url, 303);
}
