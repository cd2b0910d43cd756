/** The sandbox service's log of what happened to sandboxes (created, claimed, paused and resumed, removed and why). */
import type { Database } from "./client";

/** "paused": frozen for keeping the machine busy with nobody attached (reason: pids or cpu); "resumed": thawed by a visit. */
export type SandboxEventKind = "created" | "claimed" | "paused" | "resumed" | "removed";

export interface SandboxEventInput {
  kind: SandboxEventKind;
  reason?: string;
  sandbox: string;
  template: string;
  learnerId?: string;
  lesson?: string;
  at?: Date;
}

export async function recordSandboxEvent(db: Database, event: SandboxEventInput): Promise<void> {
  await db.sandboxEvent.create({ data: { ...event, at: event.at ?? new Date() } });
}

export async function recentSandboxEvents(db: Database, limit = 100) {
  return db.sandboxEvent.findMany({ orderBy: { id: "desc" }, take: limit });
}

/**
 * What happened to the sandboxes of a workshop's learners in its lessons, newest first,
 * with each learner's workshop name: for its instructor. Nothing about other lessons.
 */
export async function workshopSandboxEvents(db: Database, workshop: { id: string; lessons: string[] }, limit = 100) {
  const seats = await db.workshopSeat.findMany({ where: { workshopId: workshop.id }, select: { learnerId: true, displayName: true } });
  const names = new Map(seats.map((seat) => [seat.learnerId, seat.displayName]));
  const events = await db.sandboxEvent.findMany({
    where: { learnerId: { in: [...names.keys()] }, lesson: { in: workshop.lessons } },
    orderBy: { id: "desc" },
    take: limit,
  });
  return events.map((event) => ({ ...event, displayName: names.get(event.learnerId!) ?? "" }));
}
