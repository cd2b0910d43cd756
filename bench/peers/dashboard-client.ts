/**
 * A simulated instructor's workshop dashboard: a socket.io client with a signed instructor
 * token, as the instructor's page connects (`auth: { instructorToken }`), that sends
 * `workshop:watch` and records when every `workshop:row` and `workshop:warmup` arrives
 * (performance.now(): the clock the simulated learners in the same process use).
 *
 * It can also time a plain request round trip: `workshop:unshadow {}` while nobody is
 * shadowed is validated, does nothing and is acknowledged at once, so its round trip is
 * what one socket.io message there and back costs on this service at that moment.
 */
import { io, type Socket } from "socket.io-client";
import {
  EVENTS,
  type DashboardClientEvents,
  type DashboardRow,
  type DashboardServerEvents,
  type DashboardSnapshot,
  type DashboardWarmup,
} from "../../shared/protocol";
import { signInstructorToken } from "../../shared/token";

/** Something the dashboard received, and when (performance.now()). */
export interface Arrival<T> {
  at: number;
  value: T;
}

export interface DashboardOptions {
  url: string;
  secret: string;
  /** The instructor's account id (the token's subject). */
  instructorId: string;
  workshopId: string;
  timeoutMs?: number;
}

type DashboardSocket = Socket<DashboardServerEvents, DashboardClientEvents>;

interface RowWaiter {
  learnerId: string;
  accept: (row: DashboardRow) => boolean;
  resolve: (arrival: Arrival<DashboardRow>) => void;
}

export class DashboardClient {
  /** Every workshop:row, in arrival order. */
  readonly rows: Arrival<DashboardRow>[] = [];
  /** Every workshop:warmup, in arrival order. */
  readonly warmups: Arrival<DashboardWarmup>[] = [];
  private readonly waiters = new Set<RowWaiter>();

  private constructor(
    private readonly socket: DashboardSocket,
    /** The answer to workshop:watch. */
    readonly snapshot: DashboardSnapshot,
  ) {}

  static async connect(options: DashboardOptions): Promise<DashboardClient> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const instructorToken = signInstructorToken(
      { sub: options.instructorId, workshop: options.workshopId, exp: Math.floor(Date.now() / 1000) + 4 * 3600 },
      options.secret,
    );
    const socket: DashboardSocket = io(options.url, { transports: ["websocket"], auth: { instructorToken }, forceNew: true, reconnection: false });
    // Listening before watching: nothing sent after the snapshot is missed.
    const early: { rows: Arrival<DashboardRow>[]; warmups: Arrival<DashboardWarmup>[] } = { rows: [], warmups: [] };
    let client: DashboardClient | undefined;
    socket.on(EVENTS.workshopRow, (row) => (client ? client.rowArrived(row) : early.rows.push({ at: performance.now(), value: row })));
    socket.on(EVENTS.workshopWarmup, (warmup) => (client ?? early).warmups.push({ at: performance.now(), value: warmup }));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", (error) => reject(new Error(`dashboard: connect refused: ${error.message}`)));
      });
      const watched = await socket.timeout(timeoutMs).emitWithAck(EVENTS.workshopWatch, {});
      if (!watched.ok) throw new Error(`dashboard: workshop:watch refused: ${watched.error.message}`);
      client = new DashboardClient(socket, watched.value);
      client.rows.push(...early.rows);
      client.warmups.push(...early.warmups);
      return client;
    } catch (error) {
      socket.disconnect();
      throw error;
    }
  }

  /** The latest row received for this learner, if any. */
  latestRow(learnerId: string): DashboardRow | undefined {
    return this.rows.findLast((arrival) => arrival.value.learnerId === learnerId)?.value;
  }

  /**
   * The first row of this learner, among those received from index `from` of `rows` on,
   * that `accept`s; waits for it when it has not arrived yet, up to `timeoutMs`.
   */
  rowWhere(learnerId: string, accept: (row: DashboardRow) => boolean, from: number, timeoutMs: number): Promise<Arrival<DashboardRow>> {
    const seen = this.rows.slice(from).find((arrival) => arrival.value.learnerId === learnerId && accept(arrival.value));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: RowWaiter = {
        learnerId,
        accept,
        resolve: (arrival) => {
          clearTimeout(timer);
          resolve(arrival);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`dashboard: no such row for this learner within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves once a workshop:warmup with ready ≥ target has arrived (or at once if one has); false after `timeoutMs`. */
  async warmedUp(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const last = this.warmups.at(-1)?.value;
      if (last && last.ready >= last.target) return true;
      if (performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** One `workshop:unshadow {}` there and back, in ms. */
  async roundTrip(timeoutMs: number): Promise<number> {
    const sent = performance.now();
    const answer = await this.socket.timeout(timeoutMs).emitWithAck(EVENTS.workshopUnshadow, {});
    const took = performance.now() - sent;
    if (!answer.ok) throw new Error(`dashboard: workshop:unshadow refused: ${answer.error.message}`);
    return took;
  }

  close(): void {
    this.socket.disconnect();
  }

  private rowArrived(row: DashboardRow): void {
    const arrival = { at: performance.now(), value: row };
    this.rows.push(arrival);
    for (const waiter of this.waiters) {
      if (waiter.learnerId !== row.learnerId || !waiter.accept(row)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(arrival);
    }
  }
}
