/**
 * POST (form) title, lessons[], capacity, opensAt, closesAt, agents (optional: agent ids its
 * learners are placed on, comma-separated; each must be registered) → a new workshop of the
 * signed-in instructor.
 */
import type { NextRequest } from "next/server";
import { signedInInstructor } from "@/lib/auth/instructor";
import { db } from "@/lib/db";
import { handleForm } from "@/lib/forms/form-route";
import { allAgents } from "@/shared/db/agents";
import { createWorkshop } from "@/shared/db/workshops";
import { loadLessons } from "@/shared/lessons/loader";
import { parseAgentPins } from "@/shared/placement";

export const dynamic = "force-dynamic";

const MAX_CAPACITY = 200;
const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export async function POST(request: NextRequest) {
  return handleForm(request, "/instructor", async ({ form, field }) => {
    const instructor = await signedInInstructor();
    if (!instructor) return { redirect: "/account/sign-in?next=/instructor" };
    const title = field("title").trim();
    if (title.length === 0 || title.length > 80) return { redirect: "", error: "workshop-title" };
    const known = new Set((await loadLessons()).map((l) => l.meta.slug));
    const lessons = [...new Set(form.getAll("lessons").filter((v): v is string => typeof v === "string"))];
    if (lessons.length === 0 || lessons.some((slug) => !known.has(slug))) return { redirect: "", error: "workshop-lessons" };
    const capacity = Number(field("capacity"));
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) return { redirect: "", error: "workshop-capacity" };
    const opensAt = new Date(field("opensAt"));
    const closesAt = new Date(field("closesAt"));
    const duration = closesAt.getTime() - opensAt.getTime();
    if (!(duration > 0 && duration <= MAX_DURATION_MS)) return { redirect: "", error: "workshop-times" };
    const agents = parseAgentPins(field("agents"));
    if (!agents) return { redirect: "", error: "workshop-agents" };
    if (agents.length > 0) {
      // Registered ones only (live or not: a machine may be restarting); a typo would leave the room without sandboxes.
      const registered = new Set((await allAgents(db())).map((agent) => agent.id));
      if (agents.some((id) => !registered.has(id))) return { redirect: "", error: "workshop-unknown-agents" };
    }
    const workshop = await createWorkshop(db(), { ownerId: instructor.id, title, lessons, capacity, opensAt, closesAt, agents });
    return { redirect: `/instructor/workshops/${workshop.id}` };
  });
}
