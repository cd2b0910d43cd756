/**
 * POST { key } → {}: revokes one of this browser's learner's invite links. Guests already
 * connected are cut by the sandbox service within INVITE_RECHECK_SECONDS.
 */
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { db } from "@/lib/db";
import { isSameOrigin } from "@/lib/forms/same-origin";
import { LEARNER_COOKIE } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { revokeInvite } from "@/shared/db/invites";
import { inviteKeySchema } from "@/shared/invites";
import { readLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  if (!isSameOrigin(request)) return NextResponse.json({ error: "This request was sent from another website, so it was ignored." }, { status: 403 });
  const body = z.object({ key: inviteKeySchema }).safeParse(await request.json().catch(() => null));
  if (!body.success) return NextResponse.json({ error: "Which invite? The request names none." }, { status: 400 });
  const owner = readLearnerCookie(request.cookies.get(LEARNER_COOKIE)?.value, webConfig().DOJO_SECRET);
  // Another learner's key (or one already revoked) changes nothing, and says so.
  if (!owner || !(await revokeInvite(db(), owner, body.data.key))) {
    return NextResponse.json({ error: "You have no such invite link (it may have expired or been revoked already)." }, { status: 404 });
  }
  return NextResponse.json({});
}
