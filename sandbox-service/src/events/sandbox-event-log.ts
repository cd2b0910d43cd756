/**
 * Writes what happens to sandboxes (created, claimed from the pool, paused for keeping
 * the machine busy and resumed, removed and why) to
 * the database, for instructors and operators. Best effort: a database problem is logged
 * and never holds up a learner's sandbox.
 */
import type { Database } from "../../../shared/db/client";
import { recordSandboxEvent, type SandboxEventInput } from "../../../shared/db/sandbox-events";
import type { Logger } from "../log/logger";
import type { Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";

export function logSandboxEvents(manager: SandboxManager, db: Database, log: Logger): void {
  const write = (sandbox: Sandbox, event: Pick<SandboxEventInput, "kind" | "reason">) => {
    recordSandboxEvent(db, {
      ...event,
      sandbox: sandbox.hostname,
      template: sandbox.owner.template,
      learnerId: sandbox.owner.learner,
      lesson: sandbox.owner.lesson,
    }).catch((error: unknown) => log.warn("could not record a sandbox event", { kind: event.kind, error }));
  };
  manager.on("provisioned", (sandbox, how) => write(sandbox, { kind: how }));
  manager.on("ended", (sandbox, reason) => write(sandbox, { kind: "removed", reason }));
  manager.on("frozen", (sandbox, cause) => write(sandbox, { kind: "paused", reason: cause }));
  manager.on("thawed", (sandbox) => write(sandbox, { kind: "resumed" }));
}
