/**
 * Runs a lesson step's check script inside the learner's sandbox. The script comes from
 * the lesson file (never from the browser, whose word on progress cannot be trusted);
 * exit status 0 means passed, anything else means not yet, with what the script printed
 * as the explanation. A passed step is recorded once in the database (kept and written
 * later if the database is away: the learner is answered at once either way).
 *
 * Checks cost the sandbox's CPU and the engine an exec each, so a sandbox runs at most
 * `maxConcurrent` at once (more are refused in a sentence, not queued: a client clicking
 * in a loop would otherwise build a queue), and one past `timeoutMs` is killed with
 * everything it started (the engine's run contract), so a hung check leaves nothing behind.
 *
 * In a lesson with several machines a step names the machine its check runs on (`machine:`
 * in the lesson file, node1 by default), whichever machine's page asked: the runner looks
 * that machine up among the asking sandbox's own learner's machines of the same lesson,
 * and nowhere else, so no request can point a check at another learner's machine.
 */
import type { CheckResult } from "../../../shared/protocol";
import { findLesson } from "../../../shared/lessons/loader";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import type { RecordStore } from "../records/record-store";
import { UserFacingError } from "../user-facing-error";
import { SandboxState, type Sandbox } from "../sessions/sandbox";

const MAX_MESSAGE_CHARS = 600;

export interface CheckRunnerOptions {
  /** A check is a quick look at the sandbox's state; past this something is wrong with it (CHECK_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Checks running at once per sandbox (SANDBOX_MAX_CONCURRENT_CHECKS). */
  maxConcurrent: number;
  lessonsDir?: string;
  /** The machines of a learner's session (SandboxManager.machines), where a step's `machine` is looked up. */
  machines: (learner: string, session: string) => Sandbox[];
}

export class CheckRunner {
  /** Checks running now, per learner's lesson (one sandbox, or all machines of a lesson together). */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly engine: SandboxEngine,
    /** Where passes are recorded; null: nowhere (tests of the checks themselves). */
    private readonly records: RecordStore | null,
    private readonly log: Logger,
    private readonly options: CheckRunnerOptions,
  ) {}

  async run(sandbox: Sandbox, stepId: string): Promise<CheckResult> {
    // Counted before anything awaits, so a flood of requests cannot all get in.
    const key = `${sandbox.owner.learner}\n${sandbox.session}`;
    const running = this.running.get(key) ?? 0;
    if (running >= this.options.maxConcurrent) {
      throw new UserFacingError(
        "too_many",
        `${running === 1 ? "A check is" : `${running} checks are`} already running in this sandbox. Wait for ${running === 1 ? "its" : "their"} answer, then check again.`,
      );
    }
    this.running.set(key, running + 1);
    try {
      return await this.check(sandbox, stepId);
    } finally {
      const left = (this.running.get(key) ?? 1) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
    }
  }

  private async check(sandbox: Sandbox, stepId: string): Promise<CheckResult> {
    const lesson = await findLesson(sandbox.session, this.options.lessonsDir);
    const step = lesson?.meta.steps.find((s) => s.id === stepId);
    if (!step) throw new UserFacingError("not_found", `This lesson has no step called "${stepId}".`);
    const target = this.machineFor(sandbox, step.machine);
    const result = await this.engine.run(target.id, { cmd: ["bash", "-c", step.check], timeoutMs: this.options.timeoutMs });
    if (result.exitCode === null) {
      return {
        step: stepId,
        passed: false,
        message: `The check took more than ${Math.round(this.options.timeoutMs / 1000)} seconds to answer, so it was stopped. Is something in your sandbox still busy (a command that waits, a stopped Docker engine)?`,
      };
    }
    if (result.exitCode !== 0) {
      const printed = `${result.stdout}\n${result.stderr}`.trim();
      return { step: stepId, passed: false, message: printed.slice(-MAX_MESSAGE_CHARS) || "Not yet: this step is not done." };
    }
    // Written now, or kept until the database is back (never an error for the learner).
    await this.records?.stepPassed(sandbox.owner.learner, sandbox.session, stepId);
    return { step: stepId, passed: true, message: "" };
  }

  /** Where a step's check runs: the sandbox itself, or its learner's machine of that name in the same lesson. */
  private machineFor(sandbox: Sandbox, machine: string): Sandbox {
    if (sandbox.machine === null) return sandbox;
    const target = this.options.machines(sandbox.owner.learner, sandbox.session).find((m) => m.machine === machine);
    if (!target || target.state !== SandboxState.Ready) {
      throw new UserFacingError("not_found", `This step is checked on ${machine}, which is not running. Open its terminal tab (that starts it), then check again.`);
    }
    return target;
  }
}
