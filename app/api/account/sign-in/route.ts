/** POST (form) email, password, next → signed in; this browser's anonymous progress joins the account's. */
import type { NextRequest } from "next/server";
import { signIn } from "@/lib/auth/account-flows";
import { handleForm, safeNext } from "@/lib/forms/form-route";
import { SESSION_COOKIE, sessionCookieOptions } from "@/lib/auth/session";
import { clientAddress } from "@/lib/client-address";
import { db } from "@/lib/db";
import { LEARNER_COOKIE, learnerCookieOptions } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { signLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  return handleForm(request, "/account/sign-in", async ({ field, learner, secure }) => {
    const next = safeNext(field("next"), "/account");
    const result = await signIn(db(), { email: field("email"), password: field("password") }, learner, clientAddress(request.headers));
    if (!result.ok) return { redirect: "", error: result.error, keep: { email: field("email").trim(), next } };
    return {
      redirect: next,
      apply: (response) => {
        response.cookies.set(SESSION_COOKIE, result.sessionToken, sessionCookieOptions(secure));
        response.cookies.set(LEARNER_COOKIE, signLearnerCookie(result.learnerId, webConfig().DOJO_SECRET), learnerCookieOptions(secure));
      },
    };
  });
}
