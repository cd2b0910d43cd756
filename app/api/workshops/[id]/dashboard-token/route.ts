/** POST → { token, sandboxUrl }: lets the owner's dashboard connect to the sandbox service for this one workshop. */
import { NextResponse, type NextRequest } from "next/server";
import { signedInInstructor } from "@/lib/auth/instructor";
import { db } from "@/lib/db";
import { isSameOrigin } from "@/lib/forms/same-origin";
import { dashboardAgent } from "@/lib/placement";
import { sandboxUrlOf } from "@/lib/sandbox-url";
import { webConfig } from "@/shared/config";
import { findOwnedWorkshop } from "@/shared/db/workshops";
import { signInstructorToken } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const settings = webConfig();
  if (!isSameOrigin(request)) return NextResponse.json({ error: "This request came from another website." }, { status: 403 });
  const instructor = await signedInInstructor();
  if (!instructor) return NextResponse.json({ error: "Sign in as an instructor to open a workshop dashboard." }, { status: 401 });
  const { id } = await params;
  // Someone else's workshop gets the same answer as a missing one: its existence is not theirs to learn.
  const workshop = await findOwnedWorkshop(db(), id, instructor.id);
  if (!workshop) return NextResponse.json({ error: "There is no such workshop among yours." }, { status: 404 });
  const exp = Math.floor(Date.now() / 1000) + settings.TOKEN_TTL_SECONDS;
  const token = signInstructorToken({ sub: instructor.id, workshop: workshop.id, exp }, settings.DOJO_SECRET);
  // Any live agent will do: the agents share workshop events (the cluster).
  const agent = await dashboardAgent(db(), settings.AGENT_LIVE_SECONDS);
  const sandboxUrl = agent?.publicUrl ?? sandboxUrlOf(request);
  return NextResponse.json({ token, sandboxUrl }, { headers: { "cache-control": "no-store" } });
}
