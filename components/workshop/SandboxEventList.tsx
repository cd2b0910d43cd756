/** The sandbox events of a workshop's learners (created, claimed, paused, resumed, removed and why), for its instructor. */
import type { workshopSandboxEvents } from "../../shared/db/sandbox-events";
import type { SandboxEndReason } from "../../shared/protocol";

const REASONS: Record<SandboxEndReason, string> = {
  idle: "idle too long",
  lifetime: "reached its lifetime",
  reset: "reset by the learner",
  gone: "stopped unexpectedly",
  "workshop-ended": "workshop ended",
  removed: "machine removed by the learner",
  replaced: "gave way to another lesson",
};

/** Why a sandbox was paused (sandbox-service/src/runaway/): it kept the machine busy while nobody had it open. */
const PAUSE_REASONS: Record<string, string> = {
  pids: "at its process limit",
  cpu: "at full CPU",
};

function describeEvent(event: { kind: string; reason: string | null }): string {
  if (event.kind === "removed") return `removed (${REASONS[(event.reason ?? "") as SandboxEndReason] ?? event.reason ?? "no reason"})`;
  if (event.kind === "paused") return `paused (${PAUSE_REASONS[event.reason ?? ""] ?? "kept the machine busy"} with nobody watching)`;
  return event.kind;
}

export function SandboxEventList({ events }: { events: Awaited<ReturnType<typeof workshopSandboxEvents>> }) {
  return (
    <section className="sandbox-events" data-testid="sandbox-events">
      <h2>Sandbox events</h2>
      {events.length === 0 ? (
        <p>No sandbox has been started for this workshop yet.</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Sandbox events (scrolls)" tabIndex={0}>
          <table className="dashboard-table">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Learner</th>
                <th>Lesson</th>
                <th>Sandbox</th>
                <th>What happened</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>{event.at.toISOString().slice(0, 19).replace("T", " ")}</td>
                  <td>{event.displayName}</td>
                  <td>{event.lesson}</td>
                  <td>
                    <code>{event.sandbox}</code>
                  </td>
                  <td>{describeEvent(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
