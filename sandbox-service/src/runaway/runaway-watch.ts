/**
 * Whether one sandbox nobody is attached to has been "running away" for a whole window:
 * pinned at its process limit (a fork bomb) or keeping its CPU quota busy (a
 * spinner), reading after reading. Pure: fed the engine's readings, it answers with a
 * cause once the window is full, and never looks at a clock of its own (the readings carry
 * the engine's time).
 *
 * Each pair of consecutive readings judges the interval between them. CPU time is
 * cumulative, so an interval's rate is exact however long it is: a spinner that stopped
 * for a few seconds between two sweeps 30 s apart counts as busy if it used
 * ≥ CPU_BUSY_FRACTION of its quota over those 30 s. Process counts are instantaneous: an
 * interval is at the limit when both of its ends are.
 */
import type { ContainerUsage } from "../engine/engine";
import type { FreezeCause } from "../sessions/sandbox";

/**
 * "At its process limit" from this fraction of it. A fork bomb hovers just under its limit
 * (its processes die and are replaced all the time: 410–512 of 512 measured here); too
 * close to 1 misses it between two readings, too low catches a learner's large but
 * legitimate build (nothing in the course comes near 80% of 512).
 */
export const PIDS_BUSY_FRACTION = 0.8;

/**
 * "At full CPU" from this fraction of its quota (SANDBOX_CPUS, or the machine's CPUs if
 * fewer). Half, not all of it: a spinner alone gets its whole quota, but on a machine busy
 * with other work (several abandoned spinners, exactly when freezing matters most) it gets
 * only its share of the cores, e.g. two spinners on one free core half each. Too high lets
 * spinners on a loaded machine run on; too low also freezes a modest job a learner left
 * running in a closed tab (which thaws intact on their next visit: a false freeze costs
 * them only the wait).
 */
export const CPU_BUSY_FRACTION = 0.5;

export type RunawayCause = Exclude<FreezeCause, "unknown">;

export interface RunawayLimits {
  /** The busy spell that freezes a sandbox, ms. */
  windowMs: number;
  /** Each sandbox's CPU quota, in CPUs (SANDBOX_CPUS). */
  cpus: number;
}

export class RunawayWatch {
  private last: ContainerUsage | undefined;
  /** Engine time when the current busy spell began (the start of its first busy interval). */
  private busySince: number | undefined;

  constructor(private readonly limits: RunawayLimits) {}

  /**
   * Takes the next reading. Returns why to freeze once the sandbox has been busy without a
   * break for at least the window; null otherwise (also on the first reading, which only
   * sets the start).
   */
  observe(usage: ContainerUsage): RunawayCause | null {
    const previous = this.last;
    if (previous && usage.readAt <= previous.readAt) return null; // no time passed: nothing to judge
    this.last = usage;
    if (!previous || usage.cpuNanos < previous.cpuNanos) {
      // First reading, or the counter went back (the container restarted): start over.
      this.busySince = undefined;
      return null;
    }
    const cause = this.judge(previous, usage);
    if (!cause) {
      this.busySince = undefined;
      return null;
    }
    this.busySince ??= previous.readAt;
    return usage.readAt - this.busySince >= this.limits.windowMs ? cause : null;
  }

  /** What kept the interval between two readings busy, if anything; the process limit first, as the learner's way out differs. */
  private judge(from: ContainerUsage, to: ContainerUsage): RunawayCause | null {
    const limit = to.pidsLimit;
    if (limit !== null && from.pids >= PIDS_BUSY_FRACTION * limit && to.pids >= PIDS_BUSY_FRACTION * limit) return "pids";
    const cpusUsed = (to.cpuNanos - from.cpuNanos) / ((to.readAt - from.readAt) * 1e6);
    const quota = Math.min(this.limits.cpus, to.onlineCpus);
    return cpusUsed >= CPU_BUSY_FRACTION * quota ? "cpu" : null;
  }
}
