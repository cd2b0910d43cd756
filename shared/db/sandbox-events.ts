/** The sandbox service's log of what happened to sandboxes (created, claimed, removed and why). */
import type { Database } from "./client";

export type SandboxEventKind = "created" | "claimed" | "removed";

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
