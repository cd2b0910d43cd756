/**
 * What the service writes to the database, each through the RecordQueue, so a database
 * that is away for a while delays these records instead of losing them.
 */
import type { Database } from "../../../shared/db/client";
import { recordStepPassed } from "../../../shared/db/progress";
import { recordSandboxEvent, type SandboxEventInput } from "../../../shared/db/sandbox-events";
import type { RecordOutcome, RecordQueue } from "./record-queue";

export class RecordStore {
  constructor(
    private readonly db: Database,
    private readonly queue: RecordQueue,
  ) {}

  /** A learner passed a step: recorded once (idempotent), with the time of the pass even when written later. */
  stepPassed(learner: string, lesson: string, step: string, at = new Date()): Promise<RecordOutcome> {
    return this.queue.record("a passed step", { learner, lesson, step, at: at.toISOString() }, () => recordStepPassed(this.db, learner, lesson, step, at));
  }

  /** Something happened to a sandbox (created, claimed, removed), at the time it happened. */
  sandboxEvent(event: SandboxEventInput): Promise<RecordOutcome> {
    const at = event.at ?? new Date();
    return this.queue.record(`a sandbox event (${event.kind})`, { ...event, at: at.toISOString() }, () => recordSandboxEvent(this.db, { ...event, at }));
  }
}
