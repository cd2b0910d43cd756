/**
 * Runs a lesson step's check script inside the learner's sandbox. The script comes from
 * the lesson file (never from the browser, whose word on progress cannot be trusted);
 * exit status 0 means passed, anything else means not yet, with what the script printed
 * as the explanation. A passed step is recorded once in the database.
 */
import type { CheckResult } from "../../../shared/protocol";
import type { Database } from "../../../shared/db/client";
import { recordStepPassed } from "../../../shared/db/progress";
import { findLesson } from "../../../shared/lessons/loader";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../sessions/errors";
import type { Sandbox } from "../sessions/sandbox";

/** A check is a quick look at the sandbox's state; past this something is wrong with it. */
const CHECK_TIMEOUT_MS = 20_000;
const MAX_MESSAGE_CHARS = 600;

export class CheckRunner {
  constructor(
    private readonly engine: SandboxEngine,
    private readonly database: Database | null,
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
    if (this.database) {
      await recordStepPassed(this.database, sandbox.owner.learner, sandbox.owner.lesson, stepId).catch((error: unknown) => {
        // The learner still sees the pass; only the record is missing.
        this.log.warn("could not record a passed step", { step: stepId, error });
      });
    }
    return { step: stepId, passed: true, message: "" };
  }
}
