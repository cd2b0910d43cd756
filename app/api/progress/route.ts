/** GET ?lesson=slug → { passed: [step ids] } for this browser's learner (none for a new visitor). */
import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/lib/db";
import { LEARNER_COOKIE } from "@/lib/learner";
import { config } from "@/shared/config";
import { passedSteps } from "@/shared/db/progress";
import { readLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const lesson = request.nextUrl.searchParams.get("lesson") ?? "";
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(lesson)) return NextResponse.json({ error: "The request must name a lesson." }, { status: 400 });
  const learner = readLearnerCookie(request.cookies.get(LEARNER_COOKIE)?.value, config().DOJO_SECRET);
  const passed = learner ? [...((await passedSteps(db(), learner)).get(lesson) ?? [])] : [];
  return NextResponse.json({ passed }, { headers: { "cache-control": "no-store" } });
}
