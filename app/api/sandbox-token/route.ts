/**
 * POST { lesson } → { token, sandboxUrl, expiresAt }: a short-lived token that lets this
 * browser open its learner's sandbox for that lesson (or, for "play", the machines of its
 * playground: shared/playground.ts). Called on every (re)connect.
 * With an invite link's id, a guest's token for the playground of the invite's owner,
 * with the invite's access level, while the invite is live.
 * Tokens for learners without an account are limited per client address (a client that
 * drops its cookie gets a new learner, with sandboxes of its own, each time).
 */
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { findLesson } from "@/shared/lessons/loader";
import { attemptLimits, takeAttempt } from "@/lib/attempt-limits";
import { clientAddress } from "@/lib/client-address";
import { db } from "@/lib/db";
import { identifyLearner, LEARNER_COOKIE, learnerCookieOptions } from "@/lib/learner";
import { accountIdOfLearner } from "@/lib/data/accounts";
import { isTransientDatabaseError } from "@/shared/db/errors";
import { recordLearnerSeen } from "@/lib/data/learners";
import { workshopForLesson } from "@/shared/db/workshops";
import { webLog } from "@/lib/log";
import { webMetrics } from "@/lib/metrics";
import { PinnedAgentsUnavailableError, placeLearner, type Placement } from "@/lib/placement";
import { sandboxUrlOf } from "@/lib/sandbox-url";
import { webConfig } from "@/shared/config";
import { signSandboxToken } from "@/shared/token";
import { PLAYGROUND_LESSON, PLAYGROUND_TEMPLATE } from "@/shared/playground";
import { LESSON_SLUG_MAX } from "@/shared/ids";
import { findInviteByLink } from "@/shared/db/invites";
import { INVITE_REFUSALS, inviteRefusal, type InviteRecord } from "@/shared/invites";

export const dynamic = "force-dynamic";

/** `invite`: a guest's link id (/play/shared/<id>); the token then opens its owner's playground (shared/invites.ts). */
const requestSchema = z.object({ lesson: z.string().max(LESSON_SLUG_MAX), invite: z.string().max(64).optional() });

function refuse(status: number, error: string, headers?: Record<string, string>) {
  return NextResponse.json({ error }, { status, headers });
}

export async function POST(request: NextRequest) {
  const settings = webConfig();

  // validate the body
  const body = requestSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) {
    webLog().info("sandbox token refused: the request names no lesson");
    return refuse(400, "The request must name a lesson.");
  }

  // the lesson must exist; its frontmatter decides the sandbox template (the playground's machines are `docker` sandboxes)
  const lesson =
    body.data.lesson === PLAYGROUND_LESSON ? { meta: { slug: PLAYGROUND_LESSON, template: PLAYGROUND_TEMPLATE } } : await findLesson(body.data.lesson);
  if (!lesson) {
    webMetrics().tokens.inc({ outcome: "unknown_lesson" });
    webLog().info("sandbox token refused: no such lesson", { lesson: body.data.lesson });
    return refuse(404, `There is no lesson called "${body.data.lesson}".`);
  }

  // who is asking
  const secure = request.nextUrl.protocol === "https:";
  const learner = identifyLearner(request.cookies.get(LEARNER_COOKIE)?.value, settings.DOJO_SECRET);
  if (learner.kind === "forged") {
    webMetrics().tokens.inc({ outcome: "forged_cookie" });
    webLog().warn("sandbox token refused: a learner cookie this platform did not sign (cleared)", { lesson: lesson.meta.slug });
    const response = refuse(401, "Your learner cookie was not issued by this platform, so it has been cleared. Reload the page to continue as a new learner.");
    response.cookies.delete(LEARNER_COOKIE);
    return response;
  }

  // a guest: the invite decides whose playground and how far (never the browser)
  let guest: { owner: string; invite: InviteRecord } | null = null;
  if (body.data.invite !== undefined) {
    if (lesson.meta.slug !== PLAYGROUND_LESSON) {
      webLog().info("sandbox token refused: an invite link asked for a lesson", { learner: learner.id, lesson: lesson.meta.slug });
      return refuse(400, "An invite link opens a playground, not a lesson.");
    }
    const invite = await findInviteByLink(db(), body.data.invite);
    const refusal = inviteRefusal(invite, invite?.ownerId ?? "", new Date());
    if (refusal || !invite) {
      webMetrics().tokens.inc({ outcome: "invite_refused" });
      webLog().info("sandbox token refused: invite link not usable", { learner: learner.id, owner: invite?.ownerId ?? null, reason: refusal ?? "unknown" });
      return refuse(403, INVITE_REFUSALS[refusal ?? "unknown"]);
    }
    guest = { owner: invite.ownerId, invite };
  }

  // in a workshop that teaches this lesson, the sandbox reports to its dashboard; anonymous
  // learners outside a workshop get a limited number of tokens per client address; record the visit
  let workshop: Awaited<ReturnType<typeof workshopForLesson>> = null;
  try {
    workshop = learner.kind === "known" && !guest ? await workshopForLesson(db(), learner.id, lesson.meta.slug) : null;
    const accountHolder = learner.kind === "known" && (await accountIdOfLearner(db(), learner.id)) !== null;
    if (!workshop && !accountHolder && !(await takeAttempt(db(), attemptLimits(settings).sandboxToken, clientAddress(request.headers)))) {
      webMetrics().tokens.inc({ outcome: "rate_limited" });
      webLog().info("sandbox token refused: too many from this client address in the last minute", { learner: learner.id, lesson: lesson.meta.slug });
      return refuse(
        429,
        "Too many sandboxes were asked for from your network in the last minute. This page tries again by itself in a moment.",
        { "retry-after": "60" },
      );
    }
    await recordLearnerSeen(db(), learner.id);
  } catch (error) {
    if (!isTransientDatabaseError(error)) throw error;
    // The database is away for a moment (a restart). A learner we know gets back to their
    // sandbox (without the workshop link or the count until their next reconnect); a new
    // one waits, since nothing they pass could be recorded without their row.
    if (learner.kind !== "known") {
      webMetrics().tokens.inc({ outcome: "database_away" });
      webLog().warn("sandbox token refused: the database is not answering and the learner is new", { learner: learner.id, lesson: lesson.meta.slug, error });
      return refuse(503, "The platform's database is not answering right now. Your sandbox starts as soon as it is back; this page keeps trying.");
    }
  }

  // place the sandbox on an agent (the one holding it, else the least loaded live one;
  // in a workshop pinned to agents, only one of those)
  let placement: Placement | null = null;
  try {
    placement = await placeLearner(db(), guest?.owner ?? learner.id, lesson.meta.slug, settings.AGENT_LIVE_SECONDS, workshop?.agents ?? []);
  } catch (error) {
    if (error instanceof PinnedAgentsUnavailableError) {
      webMetrics().tokens.inc({ outcome: "pinned_agents_unavailable" });
      webLog().warn("sandbox token refused: none of the workshop's agents is live and open", { learner: learner.id, lesson: lesson.meta.slug, workshop: workshop?.id ?? null, agents: workshop?.agents ?? [] });
      return refuse(503, error.message, { "retry-after": "5" });
    }
    // The database is away: the agent on this page's host (one machine) is the best guess.
    if (!isTransientDatabaseError(error)) throw error;
    webLog().warn("placement skipped: the database is not answering; the page's own host is used", { learner: guest?.owner ?? learner.id, lesson: lesson.meta.slug, error });
  }

  // sign the token, for that agent only
  // (a guest's never outlives the invite: the service also checks it while the guest stays)
  const ttlEnd = Math.floor(Date.now() / 1000) + settings.TOKEN_TTL_SECONDS;
  const exp = guest ? Math.min(ttlEnd, Math.floor(guest.invite.expiresAt.getTime() / 1000)) : ttlEnd;
  const token = signSandboxToken(
    {
      sub: guest?.owner ?? learner.id,
      ...(guest ? { guest: { invite: guest.invite.key, access: guest.invite.access } } : {}),
      lesson: lesson.meta.slug,
      template: lesson.meta.template,
      // a lesson with several machines: the service lets the page open node1 … nodeN of it
      ...("machines" in lesson.meta && lesson.meta.machines > 1 ? { machines: lesson.meta.machines } : {}),
      exp,
      ...(placement ? { agent: placement.agentId } : {}),
      ...(workshop ? { workshop: workshop.id } : {}),
    },
    settings.DOJO_SECRET,
  );
  const sandboxUrl = placement?.publicUrl ?? sandboxUrlOf(request);
  webMetrics().tokens.inc({ outcome: "issued" });
  if (placement) webMetrics().placements.inc({ agent: placement.agentId });
  webLog().info(placement ? "sandbox placed" : "sandbox not placed: no agent is live; the page's own host is used", {
    learner: guest?.owner ?? learner.id,
    lesson: lesson.meta.slug,
    agent: placement?.agentId ?? null,
    ...(guest ? { guest: learner.id } : {}),
    ...(workshop ? { workshop: workshop.id } : {}),
  });
  const response = NextResponse.json({ token, sandboxUrl, expiresAt: new Date(exp * 1000).toISOString(), workshop: workshop ? { title: workshop.title } : null });
  if (learner.kind === "new") response.cookies.set(LEARNER_COOKIE, learner.cookie, learnerCookieOptions(secure));
  return response;
}
