import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SandboxEventList } from "@/components/workshop/SandboxEventList";
import { WorkshopDashboard } from "@/components/workshop/WorkshopDashboard";
import { requireInstructorPage } from "@/lib/auth/instructor";
import { db } from "@/lib/db";
import { workshopSandboxEvents } from "@/shared/db/sandbox-events";
import { findOwnedWorkshop } from "@/shared/db/workshops";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Workshop dashboard" };

export default async function WorkshopPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const instructor = await requireInstructorPage(`/instructor/workshops/${id}`);
  // Another instructor's workshop is as invisible as one that does not exist.
  const workshop = instructor ? await findOwnedWorkshop(db(), id, instructor.id) : null;
  if (!workshop) notFound();
  const request = await headers();
  const host = request.get("x-forwarded-host") ?? request.get("host") ?? "localhost";
  const protocol = request.get("x-forwarded-proto") ?? "http";
  const joinUrl = `${protocol}://${host}/join?code=${workshop.code}`;
  const when = (date: Date) => date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
  return (
    <main className="dashboard-page">
      <p>
        <Link href="/instructor">← Your workshops</Link>
      </p>
      <h1>{workshop.title}</h1>
      <div className="join-box">
        <p>
          Join code <strong className="join-code" data-testid="join-code">{workshop.code}</strong>
        </p>
        <p>
          Join link: <a href={joinUrl} data-testid="join-link">{joinUrl}</a>
        </p>
        <p className="lesson-meta">
          Opens {when(workshop.opensAt)} · closes {when(workshop.closesAt)} · capacity {workshop.capacity}
        </p>
        {workshop.agents.length > 0 && (
          <p className="lesson-meta" data-testid="workshop-agents">
            Learners are placed only on {workshop.agents.length === 1 ? "the machine" : "the machines"}{" "}
            {workshop.agents.map((id, i) => (
              <span key={id}>
                {i > 0 && ", "}
                <code>{id}</code>
              </span>
            ))}
          </p>
        )}
      </div>
      <WorkshopDashboard workshopId={workshop.id} />
      <SandboxEventList events={await workshopSandboxEvents(db(), workshop, 50)} />
    </main>
  );
}
