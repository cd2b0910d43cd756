import { describe, expect, it } from "vitest";
import type { Logger } from "../log/logger";
import { RecordQueue } from "./record-queue";

/** What Prisma throws when PostgreSQL is down (P1001) and for a missing learner row (P2003). */
const DOWN = Object.assign(new Error("Can't reach database server"), { code: "P1001" });
const CONSTRAINT = Object.assign(new Error("Foreign key constraint violated"), { code: "P2003" });

/** A database stand-in: up or down, and the rows written, in order. */
class FakeDatabase {
  up = true;
  failPermanently = false;
  readonly rows: string[] = [];
  attempts = 0;

  write(row: string): () => Promise<void> {
    return async () => {
      this.attempts++;
      if (this.failPermanently) throw CONSTRAINT;
      if (!this.up) throw DOWN;
      this.rows.push(row);
    };
  }
}

/** Retries wait on this instead of a timer: the test says when the wait is over. */
class ManualWaits {
  private waiting: Array<() => void> = [];
  readonly delays: number[] = [];
  wait = (ms: number) => {
    this.delays.push(ms);
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  };
  async elapse(): Promise<void> {
    const due = this.waiting.splice(0);
    for (const resolve of due) resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function recordingLogger() {
  const lines: string[] = [];
  const log: Logger = {
    info: (m, f) => lines.push(`info ${m} ${JSON.stringify(f ?? {})}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, f) => lines.push(`error ${m} ${JSON.stringify(f ?? {})}`),
  };
  return { lines, log };
}

const options = { firstRetryMs: 100, maxRetryMs: 400, maxPending: 3, answerWithinMs: 60_000 };

describe("RecordQueue", () => {
  it("writes at once while the database answers", async () => {
    const db = new FakeDatabase();
    const queue = new RecordQueue(recordingLogger().log, options, new ManualWaits().wait);
    expect(await queue.record("a passed step", {}, db.write("step-1"))).toBe("written");
    expect(db.rows).toEqual(["step-1"]);
  });

  it("keeps records while the database is away and writes them, in order, once it is back", async () => {
    const db = new FakeDatabase();
    const waits = new ManualWaits();
    const { lines, log } = recordingLogger();
    const queue = new RecordQueue(log, options, waits.wait);
    db.up = false;
    expect(await queue.record("a passed step", { step: "one" }, db.write("step-1"))).toBe("queued");
    expect(await queue.record("a passed step", { step: "two" }, db.write("step-2"))).toBe("queued");
    expect(queue.pending).toBe(2);
    await waits.elapse();
    await waits.elapse();
    await waits.elapse();
    // Backing off: 100, 200, 400, then capped.
    expect(waits.delays).toEqual([100, 200, 400, 400]);
    expect(db.rows).toEqual([]);

    db.up = true;
    await waits.elapse();
    expect(db.rows).toEqual(["step-1", "step-2"]);
    expect(queue.pending).toBe(0);
    expect(lines[0]).toBe("warn the database is not answering; keeping records until it is back");
    expect(lines.at(-1)).toMatch(/^info the database is back; every kept record is written \{"records":2/);
  });

  it("drops, with a log line, a record that retrying cannot fix, and goes on with the next", async () => {
    const db = new FakeDatabase();
    const { lines, log } = recordingLogger();
    const queue = new RecordQueue(log, options, new ManualWaits().wait);
    db.failPermanently = true;
    expect(await queue.record("a passed step", { learner: "gone" }, db.write("orphan"))).toBe("dropped");
    db.failPermanently = false;
    expect(await queue.record("a passed step", {}, db.write("next"))).toBe("written");
    expect(db.rows).toEqual(["next"]);
    expect(lines[0]).toMatch(/^error could not record a passed step; it is lost \{"learner":"gone"/);
  });

  it("past maxPending, new records are logged with their content and dropped, never piled up", async () => {
    const db = new FakeDatabase();
    const { lines, log } = recordingLogger();
    const queue = new RecordQueue(log, options, new ManualWaits().wait);
    db.up = false;
    for (let i = 0; i < 3; i++) await queue.record("a passed step", { i }, db.write(`r${i}`));
    expect(await queue.record("a passed step", { i: 3 }, db.write("r3"))).toBe("dropped");
    expect(queue.pending).toBe(3);
    expect(lines.at(-1)).toBe('error could not record a passed step: too many records are waiting for the database; it is lost {"i":3}');
  });

  it("answers a caller within answerWithinMs when the database hangs, and writes once it answers", async () => {
    let answer!: () => void;
    const hanging = () => new Promise<void>((resolve) => (answer = resolve));
    const queue = new RecordQueue(recordingLogger().log, { ...options, answerWithinMs: 10 }, new ManualWaits().wait);
    expect(await queue.record("a passed step", {}, hanging)).toBe("queued");
    expect(queue.pending).toBe(1);
    answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.pending).toBe(0);
  });

  it("on close, logs every record not written yet, with its content", async () => {
    const db = new FakeDatabase();
    const { lines, log } = recordingLogger();
    const queue = new RecordQueue(log, options, new ManualWaits().wait);
    db.up = false;
    await queue.record("a passed step", { learner: "l1", step: "s1" }, db.write("s1"));
    queue.close();
    expect(lines.at(-1)).toBe('error not recorded before the service stopped (the database was away): a passed step {"learner":"l1","step":"s1"}');
    expect(queue.pending).toBe(0);
  });

  it("lets a stop wait for records in flight", async () => {
    let answer!: () => void;
    const slow = () => new Promise<void>((resolve) => (answer = resolve));
    const queue = new RecordQueue(recordingLogger().log, { ...options, answerWithinMs: 10 }, new ManualWaits().wait);
    await queue.record("a passed step", {}, slow);
    let empty = false;
    const waiting = queue.whenEmpty(60_000).then(() => (empty = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(empty).toBe(false);
    answer();
    await waiting;
    expect(queue.pending).toBe(0);
  });
});
