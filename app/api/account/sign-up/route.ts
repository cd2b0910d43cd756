/** POST (form) email, password, role, instructorCode, next → signed in, the browser's progress claimed. */
import type { NextRequest } from "next/server";
import { attemptLimits } from "@/lib/attempt-limits";
import { signUp } from "@/lib/auth/account-flows";
import { clientAddress } from "@/lib/client-address";
import { handleForm, safeNext } from "@/lib/forms/form-route";
import { SESSION_COOKIE, sessionCookieOptions } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { LEARNER_COOKIE, learnerCookieOptions } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { signLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  return handleForm(request, "/account/sign-up", async ({ field, learner, secure }) => {
    const settings = webConfig();
    const role = field("role") === "instructor" ? "instructor" : "learner";
    const next = safeNext(field("next"), "/account");
    const result = await signUp(
      db(),
      { email: field("email"), password: field("password"), role, instructorCode: field("instructorCode") },
      learner,
      { code: settings.INSTRUCTOR_SIGNUP_CODE, guesses: attemptLimits(settings).instructorCode },
      clientAddress(request.headers),
    );
    if (!result.ok) return { redirect: "", error: result.error, keep: { email: field("email").trim(), role, next } };
    return {
      redirect: next,
      apply: (response) => {
        response.cookies.set(SESSION_COOKIE, result.sessionToken, sessionCookieOptions(secure));
        response.cookies.set(LEARNER_COOKIE, signLearnerCookie(result.learnerId, settings.DOJO_SECRET), learnerCookieOptions(secure));
      },
    };
  });
}
