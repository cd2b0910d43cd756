/**
 * Remembers which port-link grants have been redeemed, so each opens its port once: the
 * first visitor who follows a link gets the access cookie, anyone the link reaches later
 * (a forwarded chat message, a shared screen, browser history) is refused.
 *
 * Kept in memory until each grant's expiry (a minute), so a grant issued before a service
 * restart could be redeemed once more within that minute; grants are only ever issued to
 * the sandbox's owner over their authenticated socket.
 */
import type { PortGrant } from "../../../shared/token";

/**
 * Grants one sandbox may redeem per grant lifetime. Bounds the memory a script redeeming
 * its own links in a loop can take (this many entries per sandbox); set too low, a learner
 * who really opens many tabs of their app within a minute is told to wait.
 */
export const MAX_REDEEMED_PER_SANDBOX = 120;

export type Redemption = "redeemed" | "already_used" | "too_many";

export class SingleUseGrants {
  /** sandbox id → grant nonce → expiry (ms). */
  private readonly used = new Map<string, Map<string, number>>();
  private lastSweep = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxPerSandbox = MAX_REDEEMED_PER_SANDBOX,
  ) {}

  /** Marks a valid grant as used; says whether this was its first use. */
  redeem(grant: PortGrant): Redemption {
    const now = this.now();
    this.sweep(now);
    let ofSandbox = this.used.get(grant.sandboxId);
    if (!ofSandbox) this.used.set(grant.sandboxId, (ofSandbox = new Map()));
    prune(ofSandbox, now);
    if (ofSandbox.has(grant.nonce)) return "already_used";
    if (ofSandbox.size >= this.maxPerSandbox) return "too_many";
    ofSandbox.set(grant.nonce, grant.exp * 1000);
    return "redeemed";
  }

  /** Grants remembered now (for tests). */
  get size(): number {
    let total = 0;
    for (const ofSandbox of this.used.values()) total += ofSandbox.size;
    return total;
  }

  /** Forgets expired grants of every sandbox, at most once a minute (gone sandboxes leave no entries behind). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [sandboxId, ofSandbox] of this.used) {
      prune(ofSandbox, now);
      if (ofSandbox.size === 0) this.used.delete(sandboxId);
    }
  }
}

function prune(ofSandbox: Map<string, number>, now: number): void {
  for (const [nonce, expiresAt] of ofSandbox) if (expiresAt <= now) ofSandbox.delete(nonce);
}
