/**
 * The playground owner's invite links (shared/invites.ts).
 * GET → { invites, choices }: this browser's learner's live invites and the expiry choices.
 * POST { access, seconds } → { invite } with its link (shown once; only its hash is stored).
 */
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { db } from "@/lib/db";
import { isSameOrigin } from "@/lib/forms/same-origin";
import { LEARNER_COOKIE } from "@/lib/learner";
import { inviteView } from "@/lib/play-invites";
import { webConfig } from "@/shared/config";
import { createInvite, liveInvites } from "@/shared/db/invites";
import { defaultInviteSeconds, inviteAccessSchema, inviteExpiryChoices } from "@/shared/invites";
import { readLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

/** At most this many live invites per owner: each is a row, and a page would list them all. */
const MAX_LIVE_INVITES = 20;

const createSchema = z.object({ access: inviteAccessSchema, seconds: z.number().int() });

function refuse(status: number, error: string) {
  return NextResponse.json({ error }, { status });
}

/** The owner: the learner of this browser's cookie, or null without one (nothing to share yet). */
function ownerOf(request: NextRequest): string | null {
  return readLearnerCookie(request.cookies.get(LEARNER_COOKIE)?.value, webConfig().DOJO_SECRET);
}

export async function GET(request: NextRequest) {
  const lifetime = webConfig().SANDBOX_MAX_LIFETIME_SECONDS;
  const choices = { seconds: inviteExpiryChoices(lifetime), default: defaultInviteSeconds(lifetime) };
  const owner = ownerOf(request);
  if (!owner) return NextResponse.json({ invites: [], choices });
  return NextResponse.json({ invites: (await liveInvites(db(), owner)).map((i) => inviteView(i)), choices });
}

export async function POST(request: NextRequest) {
  // a page of this site only (a JSON body can be sent by a cross-site form as text/plain)
  if (!isSameOrigin(request)) return refuse(403, "This request was sent from another website, so it was ignored.");
  // validate the body
  const body = createSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return refuse(400, "An invite needs an access level (read or write) and an expiry.");
  const lifetime = webConfig().SANDBOX_MAX_LIFETIME_SECONDS;
  if (!inviteExpiryChoices(lifetime).includes(body.data.seconds)) return refuse(400, "Choose one of the offered expiries for the invite.");
  // who is asking: the owner of the playground this browser opened
  const owner = ownerOf(request);
  if (!owner) return refuse(401, "Open your playground first: there is nothing to share yet.");
  if ((await liveInvites(db(), owner)).length >= MAX_LIVE_INVITES) {
    return refuse(429, `You have ${MAX_LIVE_INVITES} live invite links. Revoke one to create another.`);
  }
  const { linkId, invite } = await createInvite(db(), { ownerId: owner, access: body.data.access, expiresAt: new Date(Date.now() + body.data.seconds * 1000) });
  return NextResponse.json({ invite: inviteView(invite, linkId) });
}
