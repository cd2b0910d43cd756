/**
 * Writes a claim into its container's name (identity.ts) after the pooled container has
 * been handed over, one rename at a time.
 *
 * Why after: Docker renames one container at a time, 20–40 ms each on a busy machine, and
 * a warm claim needs no other engine call. Renaming before the hand-over made the tenth
 * learner of a room arriving at once wait for nine renames (bench/README.md, "the warm
 * prompt at N = 10").
 *
 * Why that is safe: until its rename lands, a claimed container still carries its pool
 * name. A running service tracks it by id, so its reconcile never mistakes it for a pool
 * container; and a restarted service never puts a pool-named container a previous run
 * left into its pool (SandboxManager.reconcile reaps those), because it cannot tell one
 * nobody had from one a learner was using when that run ended. A crash in those
 * milliseconds costs that learner a sandbox seconds old; it can never hand their container
 * to someone else.
 */
import { SandboxGoneError, type SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { SandboxState, type Sandbox } from "./sandbox";

export class ClaimRecorder {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<Sandbox, Promise<void>>();
  /** Claims whose rename failed (the engine was away): retried by retry(). */
  private readonly failed = new Set<Sandbox>();

  constructor(
    private readonly engine: Pick<SandboxEngine, "rename">,
    private readonly log: Logger,
  ) {}

  /** Queues the rename that records the sandbox's claim (its current name: owner and expiry). */
  record(sandbox: Sandbox): void {
    this.failed.delete(sandbox);
    const renamed = this.queue.then(() => this.rename(sandbox));
    this.queue = renamed;
    this.pending.set(sandbox, renamed);
    void renamed.finally(() => {
      if (this.pending.get(sandbox) === renamed) this.pending.delete(sandbox);
    });
  }

  /** Resolves once the sandbox's queued rename is done (at once if none is). */
  whenRecorded(sandbox: Sandbox): Promise<void> {
    return this.pending.get(sandbox) ?? Promise.resolve();
  }

  /** Another rename (an extension) wrote the sandbox's name: nothing is left to retry. */
  recordedBy(sandbox: Sandbox): void {
    this.failed.delete(sandbox);
  }

  /** Whether a rename is queued or running. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Queues again the claims whose rename failed, for the sandboxes still tracked. */
  retry(tracked: (sandbox: Sandbox) => boolean): void {
    for (const sandbox of [...this.failed]) {
      this.failed.delete(sandbox);
      if (tracked(sandbox)) this.record(sandbox);
    }
  }

  /** Waits for the queued renames, at most `timeoutMs` (a stopping service keeps its learners' claims). */
  async settle(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.queue, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async rename(sandbox: Sandbox): Promise<void> {
    // Removed meanwhile: there is no claim left to record.
    if (sandbox.state !== SandboxState.Ready) return;
    try {
      await this.engine.rename(sandbox.id, sandbox.name);
    } catch (error) {
      // Its container is gone: the next reconcile tells the learner.
      if (error instanceof SandboxGoneError) return;
      this.failed.add(sandbox);
      this.log.warn("could not write a claim into its container's name; the next sweep retries", { ...sandbox.forLog(), error });
    }
  }
}
