/** GET ?lesson=slug → { passed: [step ids] } for this browser's learner (none for a new visitor). */
import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/lib/db";
import { LEARNER_COOKIE } from "@/lib/learner";
import { webConfig } from "@/shared/config";
import { isLessonSlug } from "@/shared/ids";
import { passedSteps } from "@/shared/db/progress";
import { readLearnerCookie } from "@/shared/token";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const lesson = request.nextUrl.searchParams.get("lesson") ?? "";
  if (!isLessonSlug(lesson)) return NextResponse.json({ error: "The request must name a lesson." }, { status: 400 });
  const learner = readLearnerCookie(request.cookies.get(LEARNER_COOKIE)?.value, webConfig().DOJO_SECRET);
  const passed = learner ? [...((await passedSteps(db(), learner)).get(lesson) ?? [])] : [];
  return NextResponse.json({ passed }, { headers: { "cache-control": "no-store" } });
}
