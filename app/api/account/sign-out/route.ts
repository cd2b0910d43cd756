/** POST (form) → signed out, with a fresh anonymous learner (the account's progress stays with the account). */
import type { NextRequest } from "next/server";
import { signOut } from "@/lib/auth/account-flows";
import { handleForm } from "@/lib/forms/form-route";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { LEARNER_COOKIE } from "@/lib/learner";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  return handleForm(request, "/account", async () => {
    await signOut(db(), request.cookies.get(SESSION_COOKIE)?.value);
    return {
      redirect: "/",
      apply: (response) => {
        response.cookies.delete(SESSION_COOKIE);
        // A new learner cookie is made on the next lesson visit.
        response.cookies.delete(LEARNER_COOKIE);
      },
    };
  });
}
