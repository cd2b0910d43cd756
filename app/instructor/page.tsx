import type { Metadata } from "next";
import Link from "next/link";
import { FormError } from "@/components/forms/FormError";
import { LocalDateTime } from "@/components/forms/LocalDateTime";
import { requireInstructorPage } from "@/lib/auth/instructor";
import { db } from "@/lib/db";
import { formErrorMessage } from "@/lib/forms/messages";
import { allAgents } from "@/shared/db/agents";
import { workshopsOwnedBy } from "@/shared/db/workshops";
import { loadLessons } from "@/shared/lessons/loader";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Workshops" };

type Search = Promise<{ error?: string }>;

export default async function InstructorPage({ searchParams }: { searchParams: Search }) {
  const account = await requireInstructorPage("/instructor");
  if (!account) {
    return (
      <main className="narrow">
        <h1>Workshops</h1>
        <p className="lead">Workshops are run by instructors, and your account is a learner&apos;s. Create an instructor account to run one.</p>
      </main>
    );
  }
  const { error } = await searchParams;
  const [workshops, lessons, agents] = await Promise.all([workshopsOwnedBy(db(), account.id), loadLessons(), allAgents(db())]);
  const now = Date.now();
  return (
    <main className="catalog" data-testid="instructor-page">
      <h1>Your workshops</h1>
      {workshops.length === 0 ? (
        <p className="lead">None yet. Create one below: learners join it with a short code, and you follow them live on its dashboard.</p>
      ) : (
        <ol className="lesson-list">
          {workshops.map((workshop) => (
            <li key={workshop.id} className="lesson-card" data-testid="workshop-card">
              <Link href={`/instructor/workshops/${workshop.id}`}>{workshop.title}</Link>
              <p>
                Code <code>{workshop.code}</code> · {workshop.seats} of {workshop.capacity} joined ·{" "}
                {workshop.endedAt ? "ended" : workshop.closesAt.getTime() <= now ? "closed" : workshop.opensAt.getTime() > now ? "not open yet" : "open"}
              </p>
            </li>
          ))}
        </ol>
      )}

      <h2>New workshop</h2>
      <FormError message={formErrorMessage(error)} />
      <form method="post" action="/api/workshops" className="account-form">
        <label>
          Title
          <input name="title" type="text" required maxLength={80} placeholder="Docker in an afternoon" />
        </label>
        <fieldset>
          <legend>Lessons, in order</legend>
          {lessons.map(({ meta }) => (
            <label key={meta.slug} className="choice">
              <input type="checkbox" name="lessons" value={meta.slug} defaultChecked /> {String(meta.order).padStart(2, "0")} {meta.title}
            </label>
          ))}
        </fieldset>
        <label>
          Capacity <span className="field-note">(learners; this many sandboxes are made ready before it opens)</span>
          <input name="capacity" type="number" min={1} max={200} defaultValue={30} required />
        </label>
        <LocalDateTime name="opensAt" label="Opens" initial={new Date(now).toISOString()} />
        <LocalDateTime name="closesAt" label="Closes" initial={new Date(now + 2 * 60 * 60 * 1000).toISOString()} />
        <label>
          Machines{" "}
          <span className="field-note">
            (optional: agent ids, comma-separated, that this workshop&apos;s learners are placed on; empty: any machine.{" "}
            {agents.length > 0 ? `Registered: ${agents.map((agent) => agent.id).join(", ")}.` : "No machine has registered yet."})
          </span>
          <input name="agents" type="text" maxLength={1400} autoComplete="off" spellCheck={false} placeholder="node-1, node-2" data-testid="workshop-agents-field" />
        </label>
        <button className="button" type="submit">
          Create workshop
        </button>
      </form>
    </main>
  );
}
