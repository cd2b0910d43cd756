/**
 * POST (form) code, name → a seat in the workshop for this browser's learner, then its
 * first lesson. Wrong codes are guesses, limited per client address.
 */
import type { NextRequest } from "next/server";
import { attemptLimits, takeAttempt } from "@/lib/attempt-limits";
import { clientAddress } from "@/lib/client-address";
import { db } from "@/lib/db";
import { handleForm } from "@/lib/forms/form-route";
import { displayNameError } from "@/lib/forms/messages";
import { LEARNER_COOKIE, learnerCookieOptions } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { displayNameSchema, setDisplayName } from "@/lib/data/learners";
import { joinWorkshop } from "@/shared/db/workshops";
import { newLearnerId, signLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  return handleForm(request, "/join", async ({ field, learner, secure }) => {
    const keep = { code: field("code").trim().toUpperCase(), name: field("name").slice(0, 60) };
    const name = displayNameSchema.safeParse(field("name"));
    if (!name.success) return { redirect: "", error: displayNameError(field("name")), keep };
    // counted before the code is looked up, so a blocked guesser learns nothing from the answer
    const guess = await takeAttempt(db(), attemptLimits(webConfig()).joinCode, clientAddress(request.headers));
    if (!guess) return { redirect: "", error: "too-many-join-codes", keep };
    const learnerId = learner ?? newLearnerId();
    const joined = await joinWorkshop(db(), { code: field("code"), learnerId, displayName: name.data });
    // only a wrong code is a guess
    if (joined.ok || joined.refusal !== "unknown-code") await guess.release();
    if (!joined.ok) return { redirect: "", error: joined.refusal, keep };
    await setDisplayName(db(), learnerId, name.data);
    return {
      redirect: `/lessons/${joined.workshop.lessons[0]}`,
      apply: (response) => {
        if (!learner) response.cookies.set(LEARNER_COOKIE, signLearnerCookie(learnerId, webConfig().DOJO_SECRET), learnerCookieOptions(secure));
      },
    };
  });
}
