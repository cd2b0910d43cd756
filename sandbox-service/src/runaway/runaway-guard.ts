/**
 * Freezes sandboxes that cost the machine for nobody. A fork bomb or a CPU spinner left
 * running when the learner closed the tab would otherwise run until the idle timeout
 * (15 minutes; one abandoned fork bomb held the load average at 300–500 that long). At
 * each sweep the guard reads the resource use of every running sandbox (Docker's stats,
 * through the engine), and one with no connection attached that stayed at its process
 * limit or at full CPU (its quota, or its share of the CPUs when many sandboxes want them)
 * for a whole window (SANDBOX_RUNAWAY_WINDOW_SECONDS) is frozen: its
 * container is paused, which keeps its processes and files and costs no CPU. The learner's
 * next visit thaws it and tells them why (SandboxManager.thaw).
 *
 * Readings come at the sweep's pace, so a sandbox is frozen at the first sweep that
 * completes a window of readings: between one window and one window plus one sweep
 * interval after its first reading without anyone attached.
 *
 * The same readings keep busy sandboxes, attached or not, off CPU 0 while they are busy
 * (cpu-confiner.ts), so a neighbour's keystrokes find a CPU free of them. A window of 0
 * switches the guard off, and that with it.
 */
import type { ContainerUsage, SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { SandboxState, type Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";
import { CpuConfiner } from "./cpu-confiner";
import { CPU_HUNGRY_CPUS, cpuShare, cpusUsedBetween, RunawayWatch, type RunawayLimits } from "./runaway-watch";

/**
 * Stats requests in flight at once. Docker answers a one-shot request at once when none is
 * in flight, and otherwise at its stats collector's next tick (once a second, measured
 * here): readings in flight together share one tick and cost little work. Too few make a
 * sweep slow (200 sandboxes 8 at a time: 25 s, holding up the timers after it); too many
 * hold that many connections to the engine open at once.
 */
const READS_AT_ONCE = 50;

export interface RunawayGuardOptions extends RunawayLimits {
  /** 0: the guard never freezes anything. */
  windowMs: number;
}

export class RunawayGuard {
  /** One watch per sandbox and unattached spell (keyed by when it went idle: a visit in between starts anew). */
  private readonly watches = new Map<Sandbox, { idleSince: number; watch: RunawayWatch }>();
  /** The last reading of every running sandbox, attached or not: how many want CPU is judged from all of them. */
  private lastReadings = new Map<Sandbox, ContainerUsage>();

  /** Busy sandboxes, attached or not, are kept off CPU 0 while busy (cpu-confiner.ts). */
  private readonly confiner: CpuConfiner;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly manager: SandboxManager,
    private readonly options: RunawayGuardOptions,
    private readonly log: Logger,
  ) {
    this.confiner = new CpuConfiner(engine, log);
  }

  /**
   * One round of readings; freezes the sandboxes whose window is full. Every running
   * sandbox is read, attached ones too: they compete for the CPUs, and a spinner on a
   * crowded machine is judged against its share of them.
   */
  async check(): Promise<number> {
    if (this.options.windowMs <= 0) return 0;
    const running = this.manager.list().filter((sandbox) => sandbox.state === SandboxState.Ready && !sandbox.frozen);
    const readings = await this.readAll(running);
    let hungry = 0;
    let onlineCpus = 1;
    const confining: Promise<void>[] = [];
    for (const [sandbox, usage] of readings) {
      const previous = this.lastReadings.get(sandbox);
      onlineCpus = usage.onlineCpus;
      if (!previous || usage.readAt <= previous.readAt) continue;
      const used = cpusUsedBetween(previous, usage);
      if (used >= CPU_HUNGRY_CPUS) hungry++;
      confining.push(this.confiner.observe(sandbox, used, usage.onlineCpus));
    }
    for (const sandbox of this.lastReadings.keys()) if (!readings.has(sandbox)) this.confiner.forget(sandbox.id);
    this.lastReadings = readings;
    await Promise.all(confining);
    const share = cpuShare(onlineCpus, hungry);

    for (const sandbox of this.watches.keys()) {
      if (!readings.has(sandbox) || !this.unwatched(sandbox)) this.watches.delete(sandbox);
    }
    let frozen = 0;
    for (const [sandbox, usage] of readings) {
      // Someone may have come back while the engine answered.
      if (!this.unwatched(sandbox)) continue;
      let entry = this.watches.get(sandbox);
      if (!entry || entry.idleSince !== sandbox.idleSince) {
        entry = { idleSince: sandbox.idleSince, watch: new RunawayWatch(this.options) };
        this.watches.set(sandbox, entry);
      }
      const cause = entry.watch.observe(usage, share);
      if (!cause) continue;
      // A failed freeze keeps its watch, so the next sweep tries again rather than waiting a
      // whole new window (runc's freezer can give up on a cgroup that forks all the time).
      if (await this.manager.freeze(sandbox, cause)) {
        this.watches.delete(sandbox);
        frozen++;
      }
    }
    return frozen;
  }

  /** Ready, running, and nobody attached (nor about to be). */
  private unwatched(sandbox: Sandbox): boolean {
    return sandbox.state === SandboxState.Ready && !sandbox.frozen && sandbox.attached.size === 0 && sandbox.startingTerminals.size === 0;
  }

  /** The sandboxes' readings, READS_AT_ONCE at a time; one that cannot be read is left out (a missing container is reconcile's). */
  private async readAll(sandboxes: Sandbox[]): Promise<Map<Sandbox, ContainerUsage>> {
    const readings = new Map<Sandbox, ContainerUsage>();
    const queue = [...sandboxes];
    const worker = async () => {
      for (let sandbox = queue.shift(); sandbox; sandbox = queue.shift()) {
        try {
          const usage = await this.engine.usage(sandbox.id);
          if (usage) readings.set(sandbox, usage);
        } catch (error) {
          this.log.warn("could not read a sandbox's resource use", { hostname: sandbox.hostname, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, queue.length) }, worker));
    return readings;
  }
}
