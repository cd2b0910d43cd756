/** POST (form) name → the browser's learner's display name, shown to instructors. */
import type { NextRequest } from "next/server";
import { handleForm } from "@/lib/forms/form-route";
import { displayNameError } from "@/lib/forms/messages";
import { db } from "@/lib/db";
import { LEARNER_COOKIE, learnerCookieOptions } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { displayNameSchema, recordLearnerSeen, setDisplayName } from "@/lib/data/learners";
import { newLearnerId, signLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  return handleForm(request, "/account", async ({ field, learner, secure }) => {
    const name = field("name");
    const parsed = displayNameSchema.safeParse(name);
    if (!parsed.success) return { redirect: "", error: displayNameError(name), keep: { name: name.slice(0, 60) } };
    const id = learner ?? newLearnerId();
    await recordLearnerSeen(db(), id);
    await setDisplayName(db(), id, parsed.data);
    return {
      redirect: "/account?saved=name",
      apply: (response) => {
        if (!learner) response.cookies.set(LEARNER_COOKIE, signLearnerCookie(id, webConfig().DOJO_SECRET), learnerCookieOptions(secure));
      },
    };
  });
}
