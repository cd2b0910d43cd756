/**
 * The periodic sweep: every SANDBOX_SWEEP_INTERVAL_SECONDS, steps run in order — reconcile
 * with the engine, timers, workshops, pool trim and refill, the runaway guard. One sweep at
 * a time: a sweep asked for while one runs gets that one's promise, so steps never overlap
 * (a reconcile racing a pool refill would take a sandbox being created for gone).
 */
import type { Logger } from "../log/logger";

export interface SweepStep {
  /** For the log when it fails. */
  name: string;
  run(): Promise<unknown>;
  /**
   * "stop": a failure ends this sweep (the next steps depend on it: with the engine away,
   * timers must not remove what reconcile could not check). "continue": it is logged and
   * the sweep goes on (workshops read from the database do not hold up the pool).
   */
  onFailure: "stop" | "continue";
}

export class Sweeper {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly steps: SweepStep[],
    private readonly log: Logger,
  ) {}

  /** One pass of every step, or the pass already running. Never rejects. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Sweeps every `intervalMs` until stop(); the timer does not keep the process alive. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** No more sweeps start; resolves when the one running (if any) has finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(): Promise<void> {
    for (const step of this.steps) {
      try {
        await step.run();
      } catch (error) {
        if (step.onFailure === "continue") {
          this.log.warn(`sweep: ${step.name} failed; the rest of the sweep goes on`, { error });
          continue;
        }
        this.log.warn(`sweep: ${step.name} failed; retrying at the next sweep`, { error });
        return;
      }
    }
  }
}
