/**
 * Writes the service must not lose when the database goes away for a while (a PostgreSQL
 * restart, a failover, SQLite locked past its busy timeout): a passed step, a sandbox
 * event. Each write is tried at once; if the database is away (a transient error, see
 * isTransientDatabaseError) it is kept, in order, and tried again with back-off until it
 * succeeds. The caller never waits longer than `answerWithinMs`, so a learner's check is
 * answered while the database is away, and the record follows when it is back.
 *
 * Errors that retrying cannot fix (a constraint: the learner row is missing) are logged
 * with the record and dropped. The queue lives in the service's memory: records kept when
 * the service itself stops are logged with their content (see close()).
 */
import { isTransientDatabaseError } from "../../../shared/db/errors";
import type { LogFields, Logger } from "../log/logger";

export type RecordOutcome = "written" | "queued" | "dropped";

export interface RecordQueueOptions {
  /** The first retry after a failure; doubled per failure up to maxRetryMs. */
  firstRetryMs: number;
  /**
   * The longest wait between retries. Too long: records arrive (and progress pages show
   * them) that much after the database is back; too short: a struggling database gets a
   * query this often (one at a time, so it stays cheap).
   */
  maxRetryMs: number;
  /**
   * Records kept at most during an outage; past it new ones are logged and dropped. A
   * record is a few hundred bytes: 10 000 is 50 learners passing 200 steps each during one
   * outage. Too low loses progress in a long outage; too high only costs memory.
   */
  maxPending: number;
  /**
   * The caller's wait for the first attempt. A database that hangs (rather than refusing)
   * would otherwise hold a learner's check answer; too short makes every ordinary write
   * "queued" when the database is merely slow (it is still written, in the background).
   */
  answerWithinMs: number;
}

export const DEFAULT_RECORD_QUEUE: RecordQueueOptions = { firstRetryMs: 500, maxRetryMs: 10_000, maxPending: 10_000, answerWithinMs: 3000 };

interface PendingRecord {
  what: string;
  fields: LogFields;
  write: () => Promise<unknown>;
  settle: (outcome: RecordOutcome) => void;
}

export class RecordQueue {
  private readonly pendingRecords: PendingRecord[] = [];
  private running = false;
  private closed = false;
  /** Set while the database is away (since the first failure of this outage). */
  private awaySince: number | undefined;
  private keptDuringOutage = 0;
  private emptyWaiters: Array<() => void> = [];

  constructor(
    private readonly log: Logger,
    private readonly options: RecordQueueOptions = DEFAULT_RECORD_QUEUE,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly now: () => number = Date.now,
  ) {}

  /** Records not written yet. */
  get pending(): number {
    return this.pendingRecords.length;
  }

  /**
   * Writes `write` now, or keeps it until the database is back. Never rejects: "written",
   * "queued" (kept, or still being tried after answerWithinMs), or "dropped" (logged).
   */
  record(what: string, fields: LogFields, write: () => Promise<unknown>): Promise<RecordOutcome> {
    if (this.closed || this.pendingRecords.length >= this.options.maxPending) {
      this.log.error(`could not record ${what}: ${this.closed ? "the service is stopping" : "too many records are waiting for the database"}; it is lost`, fields);
      return Promise.resolve("dropped");
    }
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => settle("queued"), this.options.answerWithinMs);
      const settle = (outcome: RecordOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      this.pendingRecords.push({ what, fields, write, settle });
      // During an outage it waits its turn behind the others: the caller need not wait.
      if (this.awaySince !== undefined) settle("queued");
      void this.run();
    });
  }

  /** Resolves once every record is written (or dropped), or after `timeoutMs`: a stop gives writes in flight their chance. */
  async whenEmpty(timeoutMs: number): Promise<void> {
    if (this.pendingRecords.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.emptyWaiters.push(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
  }

  /**
   * Stops retrying. Records still kept are logged with their content, so an operator can
   * see what was not written (a learner can also pass the step again: checks are idempotent).
   */
  close(): void {
    this.closed = true;
    for (const record of this.pendingRecords.splice(0)) {
      this.log.error(`not recorded before the service stopped (the database was away): ${record.what}`, record.fields);
      record.settle("dropped");
    }
  }

  /** Writes the records in order, one at a time, waiting out an outage on the oldest. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let delay = this.options.firstRetryMs;
    try {
      while (!this.closed && this.pendingRecords.length > 0) {
        const record = this.pendingRecords[0]!;
        try {
          await record.write();
        } catch (error) {
          if (this.closed) return;
          if (!isTransientDatabaseError(error)) {
            this.pendingRecords.shift();
            this.log.error(`could not record ${record.what}; it is lost`, { ...record.fields, error });
            record.settle("dropped");
            continue;
          }
          if (this.awaySince === undefined) {
            this.awaySince = this.now();
            this.keptDuringOutage = 0;
            this.log.warn("the database is not answering; keeping records until it is back", { error });
          }
          // Everyone waiting hears "queued" now rather than after answerWithinMs.
          for (const waiting of this.pendingRecords) waiting.settle("queued");
          await this.wait(delay);
          delay = Math.min(this.options.maxRetryMs, delay * 2);
          continue;
        }
        this.pendingRecords.shift();
        record.settle("written");
        delay = this.options.firstRetryMs;
        if (this.awaySince !== undefined) this.keptDuringOutage++;
        if (this.awaySince !== undefined && this.pendingRecords.length === 0) {
          this.log.info("the database is back; every kept record is written", {
            records: this.keptDuringOutage,
            awaySeconds: Math.round((this.now() - this.awaySince) / 1000),
          });
          this.awaySince = undefined;
        }
      }
    } finally {
      this.running = false;
      if (this.pendingRecords.length === 0) for (const resolve of this.emptyWaiters.splice(0)) resolve();
    }
  }
}
