/**
 * What pages hear about their sandbox from the manager and the engine: the expiry warning,
 * the end and why, a full disk, a process killed for its memory. Sent to the sandbox's
 * socket.io room, so every tab showing it (and nothing else) hears it.
 */
import { EVENTS } from "../../../shared/protocol";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { instanceSelector } from "../sessions/identity";
import { endMessage, type SandboxManager } from "../sessions/sandbox-manager";
import type { TemplateCatalog } from "../templates/catalog";
import type { ServiceServer } from "./handlers";
import { sandboxRoom } from "./learner-connection";

/** Starts relaying; returns what stops the engine watch (the manager's events end with it). */
export function relaySandboxNotices(io: ServiceServer, manager: SandboxManager, templates: TemplateCatalog, engine: SandboxEngine, instance: string, log: Logger): () => void {
  manager.on("expiring", (sandbox) => {
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxExpiring, {
      sandboxId: sandbox.id,
      expiresAt: sandbox.expiresAt.toISOString(),
      canExtend: manager.canExtend(sandbox),
    });
  });
  manager.on("ended", (sandbox, reason) => {
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxEnded, { sandboxId: sandbox.id, reason, message: endMessage(reason) });
  });
  manager.on("diskFull", (sandbox) => {
    const docker = sandbox.owner.template === "docker";
    const limit = templates.get(sandbox.owner.template)?.limits.diskMb;
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxNotice, {
      sandboxId: sandbox.id,
      message:
        `Your sandbox has used all of its ${limit} MiB of disk${docker ? " (files, images and containers together)" : ""}. ` +
        (docker ? "Free some with `docker system prune -a` or by deleting files, " : "Free some by deleting files, ") +
        "or reset the sandbox for a fresh one.",
    });
  });
  return engine.watchOutOfMemory(instanceSelector(instance), (containerId) => {
    const sandbox = manager.findById(containerId);
    if (!sandbox) return;
    log.info("out of memory in sandbox", { name: sandbox.name });
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxNotice, {
      sandboxId: sandbox.id,
      message: `A process in your sandbox tried to use more than its ${templates.get(sandbox.owner.template)?.limits.memoryMb} MiB of memory, so the kernel stopped it ("Killed").`,
    });
  });
}
