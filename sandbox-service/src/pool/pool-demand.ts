/**
 * Warm sandboxes wanted on top of the configured pool sizes, per template: written by
 * whoever foresees learners (the workshop hub, for workshops about to open), read by the
 * pool when it refills. A value object both are given, so neither holds the other.
 */
export class PoolDemand {
  private extra: ReadonlyMap<string, number> = new Map();

  /** Replaces the whole demand (what is not named is no longer wanted). */
  set(byTemplate: ReadonlyMap<string, number>): void {
    this.extra = byTemplate;
  }

  of(template: string): number {
    return this.extra.get(template) ?? 0;
  }
}
