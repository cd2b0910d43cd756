/** GET → the workshop's results as a CSV download, for its owner only. */
import { NextResponse } from "next/server";
import { signedInInstructor } from "@/lib/auth/instructor";
import { db } from "@/lib/db";
import { workshopResultsCsv } from "@/lib/workshop-results";
import { findOwnedWorkshop } from "@/shared/db/workshops";
import { loadLessons } from "@/shared/lessons/loader";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const instructor = await signedInInstructor();
  if (!instructor) return NextResponse.json({ error: "Sign in as an instructor to export results." }, { status: 401 });
  const workshop = await findOwnedWorkshop(db(), (await params).id, instructor.id);
  if (!workshop) return NextResponse.json({ error: "There is no such workshop among yours." }, { status: 404 });
  const csv = await workshopResultsCsv(db(), workshop, await loadLessons());
  const file = `workshop-${workshop.code}-results.csv`;
  return new NextResponse(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" },
  });
}
