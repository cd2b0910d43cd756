/**
 * Runs a lesson step's check script inside the learner's sandbox. The script comes from
 * the lesson file (never from the browser, whose word on progress cannot be trusted);
 * exit status 0 means passed, anything else means not yet, with what the script printed
 * as the explanation. A passed step is recorded once in the database.
 *
 * Checks cost the sandbox's CPU and the engine an exec each, so a sandbox runs at most
 * `maxConcurrent` at once (more are refused in a sentence, not queued: a client clicking
 * in a loop would otherwise build a queue), and one past `timeoutMs` is killed with
 * everything it started (the engine's run contract), so a hung check leaves nothing behind.
 */
import type { CheckResult } from "../../../shared/protocol";
import type { Database } from "../../../shared/db/client";
import { recordStepPassed } from "../../../shared/db/progress";
import { findLesson } from "../../../shared/lessons/loader";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../sessions/errors";
import type { Sandbox } from "../sessions/sandbox";

const MAX_MESSAGE_CHARS = 600;

export interface CheckRunnerOptions {
  /** A check is a quick look at the sandbox's state; past this something is wrong with it (CHECK_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Checks running at once per sandbox (SANDBOX_MAX_CONCURRENT_CHECKS). */
  maxConcurrent: number;
  lessonsDir?: string;
}

export class CheckRunner {
  /** Checks running now, per sandbox id. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly engine: SandboxEngine,
    private readonly database: Database | null,
    private readonly log: Logger,
    private readonly options: CheckRunnerOptions,
  ) {}

  async run(sandbox: Sandbox, stepId: string): Promise<CheckResult> {
    // Counted before anything awaits, so a flood of requests cannot all get in.
    const running = this.running.get(sandbox.id) ?? 0;
    if (running >= this.options.maxConcurrent) {
      throw new UserFacingError(
        "too_many",
        `${running === 1 ? "A check is" : `${running} checks are`} already running in this sandbox. Wait for ${running === 1 ? "its" : "their"} answer, then check again.`,
      );
    }
    this.running.set(sandbox.id, running + 1);
    try {
      return await this.check(sandbox, stepId);
    } finally {
      const left = (this.running.get(sandbox.id) ?? 1) - 1;
      if (left > 0) this.running.set(sandbox.id, left);
      else this.running.delete(sandbox.id);
    }
  }

  private async check(sandbox: Sandbox, stepId: string): Promise<CheckResult> {
    const lesson = await findLesson(sandbox.owner.lesson, this.options.lessonsDir);
    const step = lesson?.meta.steps.find((s) => s.id === stepId);
    if (!step) throw new UserFacingError("not_found", `This lesson has no step called "${stepId}".`);
    const result = await this.engine.run(sandbox.id, { cmd: ["bash", "-c", step.check], timeoutMs: this.options.timeoutMs });
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
    if (this.database) {
      await recordStepPassed(this.database, sandbox.owner.learner, sandbox.owner.lesson, stepId).catch((error: unknown) => {
        // The learner still sees the pass; only the record is missing.
        this.log.warn("could not record a passed step", { step: stepId, error });
      });
    }
    return { step: stepId, passed: true, message: "" };
  }
}
