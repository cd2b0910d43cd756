/**
 * Writes what happens to sandboxes (created, claimed from the pool, paused for keeping
 * the machine busy and resumed, removed and why) to the database, for instructors and
 * operators. Never holds up a learner's sandbox: the RecordStore keeps events while the
 * database is away and logs any it cannot write.
 */
import type { SandboxEventKind } from "../../../shared/db/sandbox-events";
import type { RecordStore } from "../records/record-store";
import type { Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";

export function logSandboxEvents(manager: SandboxManager, records: RecordStore): void {
  const write = (sandbox: Sandbox, event: { kind: SandboxEventKind; reason?: string }) => {
    void records.sandboxEvent({
      ...event,
      sandbox: sandbox.hostname,
      template: sandbox.owner.template,
      learnerId: sandbox.owner.learner,
      lesson: sandbox.owner.lesson,
    });
  };
  manager.on("provisioned", (sandbox, how) => write(sandbox, { kind: how }));
  manager.on("ended", (sandbox, reason) => write(sandbox, { kind: "removed", reason }));
  manager.on("frozen", (sandbox, cause) => write(sandbox, { kind: "paused", reason: cause }));
  manager.on("thawed", (sandbox) => write(sandbox, { kind: "resumed" }));
}
