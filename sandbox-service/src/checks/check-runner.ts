/**
 * Runs a lesson step's check script inside the learner's sandbox. The script comes from
 * the lesson file (never from the browser, whose word on progress cannot be trusted);
 * exit status 0 means passed, anything else means not yet, with what the script printed
 * as the explanation. A passed step is recorded once in the database (kept and written
 * later if the database is away: the learner is answered at once either way).
 */
import type { CheckResult } from "../../../shared/protocol";
import { findLesson } from "../../../shared/lessons/loader";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import type { RecordStore } from "../records/record-store";
import { UserFacingError } from "../sessions/errors";
import type { Sandbox } from "../sessions/sandbox";

/** A check is a quick look at the sandbox's state; past this something is wrong with it. */
const CHECK_TIMEOUT_MS = 20_000;
const MAX_MESSAGE_CHARS = 600;

export class CheckRunner {
  constructor(
    private readonly engine: SandboxEngine,
    /** Where passes are recorded; null: nowhere (tests of the checks themselves). */
    private readonly records: RecordStore | null,
    private readonly log: Logger,
    private readonly lessonsDir?: string,
  ) {}

  async run(sandbox: Sandbox, stepId: string): Promise<CheckResult> {
    const lesson = await findLesson(sandbox.owner.lesson, this.lessonsDir);
    const step = lesson?.meta.steps.find((s) => s.id === stepId);
    if (!step) throw new UserFacingError("not_found", `This lesson has no step called "${stepId}".`);
    const result = await this.engine.run(sandbox.id, { cmd: ["bash", "-c", step.check], timeoutMs: CHECK_TIMEOUT_MS });
    if (result.exitCode === null) {
      return { step: stepId, passed: false, message: "The check took too long to answer. Is something still running in your terminal?" };
    }
    if (result.exitCode !== 0) {
      const printed = `${result.stdout}\n${result.stderr}`.trim();
      return { step: stepId, passed: false, message: printed.slice(-MAX_MESSAGE_CHARS) || "Not yet: this step is not done." };
    }
    // Written now, or kept until the database is back (never an error for the learner).
    await this.records?.stepPassed(sandbox.owner.learner, sandbox.owner.lesson, stepId);
    return { step: stepId, passed: true, message: "" };
  }
}
