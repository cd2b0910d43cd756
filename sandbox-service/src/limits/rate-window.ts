/**
 * How often something happened per key within a sliding window, in this process's memory:
 * for limits that need not survive a restart of the service (a restart forgets at most
 * one window's worth of counts). Limits that must hold across processes live in the
 * database (lib/attempt-limits.ts).
 */
export class RateWindow {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event for `key` when fewer than `max` happened within the window; false (and not counted) otherwise. */
  take(key: string): boolean {
    const recent = this.recent(key);
    if (recent.length >= this.max) return false;
    recent.push(this.now());
    this.times.set(key, recent);
    return true;
  }

  /** Milliseconds until `take(key)` would succeed (0: now). */
  waitMs(key: string): number {
    const recent = this.recent(key);
    return recent.length < this.max ? 0 : recent[recent.length - this.max]! + this.windowMs - this.now();
  }

  /** Forgets keys with nothing left in the window, so the map does not grow with every key ever seen. */
  prune(): void {
    for (const key of [...this.times.keys()]) if (this.recent(key).length === 0) this.times.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.times.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.times.delete(key);
    else this.times.set(key, recent);
    return recent;
  }
}
