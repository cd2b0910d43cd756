/**
 * Keeps CPU 0 free of busy sandboxes, so that a neighbour's keystroke never waits for a
 * CPU that a busy sandbox holds.
 *
 * Why: CPU weights share the CPUs fairly over time, but not the moment a shell wakes for a
 * keystroke. A sandbox spinning on every CPU (its quota spread over all of them) holds each
 * CPU when the neighbour's shell, the service and the engine's shim wake one after the
 * other, and each may wait a scheduler slice (1.5 ms on 2 CPUs with EEVDF): measured, the
 * neighbour's echo p95/p99 came to 2.1–2.9× a quiet neighbour's (goal: 2×). Marking the
 * busy sandbox's cgroup idle (`cpu.idle`) changed nothing; giving it every CPU but one
 * brought the ratio to about 1.2× (bench/README.md, "Noisy neighbours"). A busy sandbox
 * keeps its quota (SANDBOX_CPUS); only where it may use it narrows, and only while busy.
 *
 * Readings come from the runaway guard at each sweep, so a sandbox is confined at the
 * first sweep after a busy interval and let go at the first sweep after a quiet one. A
 * sandbox confined before the service restarted stays so until it is busy and then quiet
 * again (the confiner knows only what it did itself); that costs a quiet sandbox nothing.
 */
import type { SandboxEngine } from "../engine/engine";
import { EngineError, EngineUnavailableError, SandboxGoneError, SandboxNotRunningError } from "../engine/errors";
import type { Logger } from "../log/logger";

/**
 * CPUs used over a reading's interval from which a sandbox counts as busy. Half a CPU: a
 * build or a test run, not a shell's bursts of typing. Lower and every short command
 * moves a sandbox back and forth; higher and a spinner held below its quota by a crowded
 * machine would escape.
 */
export const BUSY_CPUS = 0.5;
/** Below this a confined sandbox is quiet again and gets every CPU back (well under BUSY_CPUS, so it does not flap). */
export const QUIET_CPUS = 0.1;

/** The CPU set for a sandbox on a machine of `onlineCpus`, busy or not; null: nothing to spare (one CPU). */
export function cpuSetFor(onlineCpus: number, busy: boolean): string | null {
  if (onlineCpus < 2) return null;
  const last = onlineCpus - 1;
  if (!busy) return `0-${last}`;
  return last === 1 ? "1" : `1-${last}`;
}

/** What to do with a sandbox that used `cpusUsed` CPUs since its last reading. */
export function nextConfinement(cpusUsed: number, confined: boolean): "confine" | "free" | null {
  if (!confined && cpusUsed >= BUSY_CPUS) return "confine";
  if (confined && cpusUsed < QUIET_CPUS) return "free";
  return null;
}

export class CpuConfiner {
  /** Sandboxes (container ids) this service confined. */
  private readonly confined = new Set<string>();
  /** Sandboxes whose CPU set the kernel would not narrow (a nested engine's cgroups, on cgroup v1): not asked again. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly engine: SandboxEngine,
    private readonly log: Logger,
  ) {}

  /** One reading of a running sandbox: confines or frees it as its use says. Never rejects. */
  async observe(sandbox: { id: string; hostname: string }, cpusUsed: number, onlineCpus: number): Promise<void> {
    if (this.refused.has(sandbox.id)) return;
    const action = nextConfinement(cpusUsed, this.confined.has(sandbox.id));
    const cpus = action && cpuSetFor(onlineCpus, action === "confine");
    if (!cpus) return;
    try {
      await this.engine.setCpus(sandbox.id, cpus);
      if (action === "confine") this.confined.add(sandbox.id);
      else this.confined.delete(sandbox.id);
    } catch (error) {
      if (error instanceof SandboxGoneError) return this.forget(sandbox.id);
      // Refused for good (not merely the engine away, or the sandbox paused meanwhile): not
      // asked again. Expected for `docker` sandboxes on cgroup v1, hence not a warning.
      if (error instanceof EngineError && !(error instanceof EngineUnavailableError) && !(error instanceof SandboxNotRunningError)) {
        this.refused.add(sandbox.id);
        return this.log.info("a busy sandbox stays on every CPU: the engine would not narrow its CPU set", { hostname: sandbox.hostname, error });
      }
      this.log.warn(action === "confine" ? "could not keep a busy sandbox off CPU 0" : "could not give a quiet sandbox every CPU back", {
        hostname: sandbox.hostname,
        error,
      });
    }
  }

  /** A sandbox that is gone (or no longer read): nothing to remember of it. */
  forget(id: string): void {
    this.confined.delete(id);
    this.refused.delete(id);
  }

  /** The ids this service keeps confined now. */
  get confinedIds(): ReadonlySet<string> {
    return this.confined;
  }
}
