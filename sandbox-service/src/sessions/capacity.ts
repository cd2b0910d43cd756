/**
 * The platform's capacity (SANDBOX_MAX_TOTAL containers, claimed and pooled) and whether
 * learners are waiting for it. Each part that holds containers (the manager, the pool)
 * reports how many through a counter it owns, registered when it is built: the pool then
 * learns whether it may grow without asking the manager, and the manager without asking the
 * pool, so neither needs the other's object.
 */
export class Capacity {
  private readonly held: Array<() => number> = [];
  private waiting: () => number = () => 0;
  /**
   * An operator is draining this agent (the register says so): its sandboxes run to their
   * end, and no new one starts here (the web app places new learners elsewhere).
   */
  draining = false;

  constructor(readonly maxTotal: number) {}

  /** A part that holds containers reports how many (created, being created, or pooled). */
  countHeld(count: () => number): void {
    this.held.push(count);
  }

  /** The part that keeps the waiting line reports its length. */
  countWaiting(count: () => number): void {
    this.waiting = count;
  }

  /** Containers held now, by every part. */
  get total(): number {
    return this.held.reduce((sum, count) => sum + count(), 0);
  }

  /** Whether one more container fits. */
  hasRoom(): boolean {
    return this.total < this.maxTotal;
  }

  /** Places free now (what the agent reports to the register). */
  get free(): number {
    return Math.max(0, this.maxTotal - this.total);
  }

  /** Whether a container nobody asked for yet (a pool refill) may take a place: only when no learner waits for one, and not while draining. */
  hasRoomToSpare(): boolean {
    return !this.draining && this.waiting() === 0 && this.hasRoom();
  }
}
