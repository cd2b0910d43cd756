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
 * ≥ CPU_BUSY_FRACTION of what it could get over those 30 s. Process counts are
 * instantaneous: an interval is at the limit when both of its ends are.
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
 * "At full CPU" from this fraction of what the sandbox could get: its quota (SANDBOX_CPUS),
 * the machine's CPUs if fewer, or its share of them when many sandboxes want CPU at once
 * (see cpuShare): several abandoned spinners, exactly when freezing matters most, each get
 * only their share. Half, not all: CFS hands out that share unevenly between sandboxes and
 * the platform's own processes take some. Too high lets spinners on a busy machine run on;
 * too low also freezes a modest job a learner left running in a closed tab (which thaws
 * intact on their next visit: a false freeze costs them only the wait).
 */
export const CPU_BUSY_FRACTION = 0.5;

/**
 * A sandbox using at least this many CPUs in an interval competes for them: it counts when
 * the machine's CPUs are shared out (cpuShare). An idle shell, a nested engine at rest or a
 * learner typing use a hundredth of that; too low counts them and shrinks every share (so
 * a modest job looks busy), too high leaves out real competitors (so crowded spinners look
 * idle).
 */
export const CPU_HUNGRY_CPUS = 0.1;

/**
 * What one sandbox can get when `hungry` sandboxes (CPU_HUNGRY_CPUS or more) want CPU at
 * once on `onlineCpus` CPUs: an equal share, as CFS gives sandboxes of equal weight.
 */
export function cpuShare(onlineCpus: number, hungry: number): number {
  return onlineCpus / Math.max(1, hungry);
}

export type RunawayCause = Exclude<FreezeCause, "unknown">;

export interface RunawayLimits {
  /** The busy spell that freezes a sandbox, ms. */
  windowMs: number;
  /** Each sandbox's CPU quota, in CPUs (SANDBOX_CPUS). */
  cpus: number;
}

/** CPUs a container used on average between two readings. */
export function cpusUsedBetween(from: ContainerUsage, to: ContainerUsage): number {
  return (to.cpuNanos - from.cpuNanos) / ((to.readAt - from.readAt) * 1e6);
}

export class RunawayWatch {
  private last: ContainerUsage | undefined;
  /** Engine time when the current busy spell began (the start of its first busy interval). */
  private busySince: number | undefined;
  /**
   * Whether the spell has had an interval at the process limit: then it is a fork bomb,
   * even if its count dipped under the mark between two readings and CPU alone carried
   * the next interval (a fork bomb burns CPU while it grows), and the learner is told so.
   */
  private sawPidsLimit = false;

  constructor(private readonly limits: RunawayLimits) {}

  /**
   * Takes the next reading. Returns why to freeze once the sandbox has been busy without a
   * break for at least the window; null otherwise (also on the first reading, which only
   * sets the start). `shareCpus`: what one sandbox could get since the last reading, when
   * many want CPU (cpuShare); without it, its quota.
   */
  observe(usage: ContainerUsage, shareCpus = Infinity): RunawayCause | null {
    const previous = this.last;
    if (previous && usage.readAt <= previous.readAt) return null; // no time passed: nothing to judge
    this.last = usage;
    if (!previous || usage.cpuNanos < previous.cpuNanos) {
      // First reading, or the counter went back (the container restarted): start over.
      this.busySince = undefined;
      this.sawPidsLimit = false;
      return null;
    }
    const cause = this.judge(previous, usage, shareCpus);
    if (!cause) {
      this.busySince = undefined;
      this.sawPidsLimit = false;
      return null;
    }
    this.busySince ??= previous.readAt;
    this.sawPidsLimit ||= cause === "pids";
    if (usage.readAt - this.busySince < this.limits.windowMs) return null;
    return this.sawPidsLimit ? "pids" : "cpu";
  }

  /** What kept the interval between two readings busy, if anything; the process limit first, as the learner's way out differs. */
  private judge(from: ContainerUsage, to: ContainerUsage, shareCpus: number): RunawayCause | null {
    const limit = to.pidsLimit;
    if (limit !== null && from.pids >= PIDS_BUSY_FRACTION * limit && to.pids >= PIDS_BUSY_FRACTION * limit) return "pids";
    const available = Math.min(this.limits.cpus, to.onlineCpus, shareCpus);
    return cpusUsedBetween(from, to) >= CPU_BUSY_FRACTION * available ? "cpu" : null;
  }
}
