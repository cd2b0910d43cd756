/**
 * Learner ↔ sandbox ownership and the sandbox lifecycle: create or re-attach on open,
 * idle and lifetime timers, reset, and reconciliation with the engine (re-adopting
 * sandboxes after a restart, reaping what nobody owns).
 *
 * Invariants:
 * - at most one live sandbox per (learner, lesson) is tracked;
 * - a sandbox is only ever handed to the owner named in its labels;
 * - every container of this instance that is not tracked is either adopted or removed
 *   by the next reconcile (after a grace period, so a container being created right now
 *   is not mistaken for a leak).
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { SandboxEndReason, SandboxStatus, TerminalSize } from "../../../shared/protocol";
import { EngineUnavailableError, type SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import type { TemplateRegistry } from "../templates/registry";
import { Terminal } from "../terminal/terminal";
import { UserFacingError } from "./errors";
import { instanceSelector, readSandboxLabels, sandboxLabels, type SandboxOwner } from "./labels";
import { Sandbox, SandboxState } from "./sandbox";

export interface SandboxManagerOptions {
  instance: string;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  scrollbackBytes: number;
  /**
   * An untracked container younger than this is left alone by reconcile: it may be one
   * this process is creating right now. Too short risks reaping a sandbox mid-creation;
   * too long only delays cleaning up after a crash.
   */
  reapGraceMs: number;
}

export interface SandboxManagerEvents {
  ended: [sandbox: Sandbox, reason: SandboxEndReason];
}

type Progress = (status: SandboxStatus) => void;

const END_MESSAGES: Record<SandboxEndReason, string> = {
  idle: "Your sandbox was removed because no terminal was open for a while.",
  lifetime: "Your sandbox reached its maximum lifetime and was removed.",
  reset: "Your sandbox was reset.",
  gone: "Your sandbox stopped unexpectedly.",
};

export function endMessage(reason: SandboxEndReason): string {
  return END_MESSAGES[reason];
}

function ownerKey(owner: SandboxOwner): string {
  return `${owner.learner}\n${owner.lesson}`;
}

export class SandboxManager extends EventEmitter<SandboxManagerEvents> {
  private readonly byOwner = new Map<string, Sandbox>();
  private readonly byId = new Map<string, Sandbox>();
  private readonly creating = new Map<Sandbox, Promise<Sandbox>>();
  private warnedNoDiskLimits = false;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly templates: TemplateRegistry,
    private readonly options: SandboxManagerOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Tracked sandboxes (any state but gone). */
  list(): Sandbox[] {
    return [...this.byOwner.values()];
  }

  find(owner: SandboxOwner): Sandbox | undefined {
    return this.byOwner.get(ownerKey(owner));
  }

  findById(id: string): Sandbox | undefined {
    return this.byId.get(id);
  }

  expiresAt(sandbox: Sandbox): Date {
    return new Date(sandbox.createdAt.getTime() + this.options.maxLifetimeMs);
  }

  /** The owner's sandbox: the tracked one if its container still runs, else a new one. */
  async open(owner: SandboxOwner, progress: Progress): Promise<Sandbox> {
    const existing = this.byOwner.get(ownerKey(owner));
    if (existing) {
      const pending = this.creating.get(existing);
      if (pending) {
        progress({ phase: "creating", message: "Starting your sandbox…" });
        return pending;
      }
      if (existing.state === SandboxState.Ready && (await this.isRunning(existing))) return existing;
      await this.remove(existing, "gone");
    }
    return this.create(owner, progress);
  }

  /** Removes the owner's sandbox (if any) and creates a fresh one. */
  async reset(owner: SandboxOwner, progress: Progress): Promise<Sandbox> {
    const existing = this.byOwner.get(ownerKey(owner));
    if (existing) {
      await this.creating.get(existing)?.catch(() => undefined);
      await this.remove(existing, "reset");
    }
    return this.create(owner, progress);
  }

  /** The terminal `terminalId` of a ready sandbox, started on first use. */
  async openTerminal(sandbox: Sandbox, terminalId: string, size: TerminalSize): Promise<Terminal> {
    const open = sandbox.terminals.get(terminalId);
    if (open?.isOpen) return open;
    const starting = sandbox.startingTerminals.get(terminalId);
    if (starting) return starting;
    const template = this.templateOf(sandbox.owner);
    const start = (async () => {
      try {
        const tty = await this.engine.openTty(sandbox.id, { ...template.shell, size });
        const terminal = new Terminal(tty, size, { scrollbackBytes: this.options.scrollbackBytes });
        if (sandbox.state !== SandboxState.Ready) {
          terminal.close();
          throw new UserFacingError("not_found", "This sandbox has been removed.");
        }
        sandbox.terminals.set(terminalId, terminal);
        terminal.onExited(() => {
          if (sandbox.terminals.get(terminalId) === terminal) sandbox.terminals.delete(terminalId);
        });
        return terminal;
      } catch (error) {
        throw this.explain(error, "Your sandbox is running, but a shell could not be started in it.");
      } finally {
        sandbox.startingTerminals.delete(terminalId);
      }
    })();
    sandbox.startingTerminals.set(terminalId, start);
    return start;
  }

  /** A connection started showing this sandbox: it is not idle. */
  attach(sandbox: Sandbox, connectionId: string): void {
    sandbox.attached.add(connectionId);
  }

  detach(sandbox: Sandbox, connectionId: string): void {
    if (sandbox.attached.delete(connectionId) && sandbox.attached.size === 0) sandbox.idleSince = this.now();
  }

  /** Ends a sandbox: tells its viewers why, closes its terminals and removes its container. */
  async remove(sandbox: Sandbox, reason: SandboxEndReason): Promise<void> {
    if (sandbox.state === SandboxState.Removing || sandbox.state === SandboxState.Gone) return;
    sandbox.state = SandboxState.Removing;
    if (this.byOwner.get(ownerKey(sandbox.owner)) === sandbox) this.byOwner.delete(ownerKey(sandbox.owner));
    this.byId.delete(sandbox.id);
    this.emit("ended", sandbox, reason);
    for (const terminal of sandbox.terminals.values()) terminal.close();
    sandbox.terminals.clear();
    this.log.info("sandbox removed", { id: sandbox.id.slice(0, 12), name: sandbox.name, reason });
    try {
      if (sandbox.id) await this.engine.remove(sandbox.id);
    } catch (error) {
      // The container stays untracked; the next reconcile removes it.
      this.log.warn("could not remove sandbox container; will retry", { name: sandbox.name, error });
    }
    sandbox.state = SandboxState.Gone;
  }

  /** Applies the idle timeout and the maximum lifetime to every ready sandbox. */
  async applyTimers(): Promise<void> {
    const now = this.now();
    for (const sandbox of this.list()) {
      if (sandbox.state !== SandboxState.Ready) continue;
      if (now - sandbox.createdAt.getTime() >= this.options.maxLifetimeMs) {
        await this.remove(sandbox, "lifetime");
      } else if (sandbox.attached.size === 0 && now - sandbox.idleSince >= this.options.idleTimeoutMs) {
        await this.remove(sandbox, "idle");
      }
    }
  }

  /**
   * Makes the tracked state agree with the engine: forgets sandboxes whose container is
   * gone, adopts running containers of this instance that a previous run created, and
   * removes every other container of this instance (stopped, expired, unlabelled, or a
   * duplicate for an owner who already has one).
   */
  async reconcile(): Promise<{ adopted: number; reaped: number }> {
    const containers = await this.engine.list(instanceSelector(this.options.instance));
    const now = this.now();
    const running = new Set(containers.filter((c) => c.state === "running").map((c) => c.id));
    for (const sandbox of this.list()) {
      if (sandbox.state === SandboxState.Ready && !running.has(sandbox.id)) await this.remove(sandbox, "gone");
    }
    let adopted = 0;
    let reaped = 0;
    for (const container of containers) {
      if (this.byId.has(container.id)) continue;
      const labels = readSandboxLabels(container.labels);
      const age = labels ? now - labels.createdAt.getTime() : Infinity;
      const adoptable =
        labels !== null &&
        container.state === "running" &&
        age < this.options.maxLifetimeMs &&
        this.templates.has(labels.owner.template) &&
        !this.byOwner.has(ownerKey(labels.owner));
      if (adoptable) {
        this.track(this.adoptedSandbox(container.id, container.name, labels.owner, labels.createdAt));
        adopted++;
      } else if (age >= this.options.reapGraceMs) {
        this.log.info("reaping container nobody owns", { name: container.name, state: container.state });
        await this.engine.remove(container.id);
        reaped++;
      }
    }
    return { adopted, reaped };
  }

  /** Forgets every sandbox without removing containers (service shutdown: they are re-adopted on start). */
  shutdown(): void {
    for (const sandbox of this.list()) {
      for (const terminal of sandbox.terminals.values()) terminal.close();
    }
    this.byOwner.clear();
    this.byId.clear();
  }

  private async create(owner: SandboxOwner, progress: Progress): Promise<Sandbox> {
    const template = this.templateOf(owner);
    const short = randomBytes(4).toString("hex");
    const createdAt = new Date(this.now());
    const sandbox = new Sandbox(owner, `dojo-${template.name}-${short}`, `${template.name}-${short}`, createdAt, this.now());
    this.byOwner.set(ownerKey(owner), sandbox);
    progress({ phase: "creating", message: "Creating your sandbox…" });
    const creation = (async () => {
      try {
        const spec = template.containerSpec({
          name: sandbox.name,
          hostname: sandbox.hostname,
          labels: sandboxLabels(this.options.instance, owner, createdAt),
        });
        const container = await this.engine.createAndStart(spec);
        sandbox.id = container.id;
        sandbox.state = SandboxState.Ready;
        this.byId.set(sandbox.id, sandbox);
        this.log.info("sandbox created", { id: sandbox.id.slice(0, 12), name: sandbox.name, lesson: owner.lesson });
        if (this.engine.diskLimits === false && !this.warnedNoDiskLimits) {
          this.warnedNoDiskLimits = true;
          this.log.warn("the storage driver cannot limit sandbox disk space; a learner can fill the engine's disk (see README)");
        }
        return sandbox;
      } catch (error) {
        sandbox.state = SandboxState.Gone;
        if (this.byOwner.get(ownerKey(owner)) === sandbox) this.byOwner.delete(ownerKey(owner));
        throw this.explain(error, "Your sandbox could not be created.");
      } finally {
        this.creating.delete(sandbox);
      }
    })();
    this.creating.set(sandbox, creation);
    return creation;
  }

  private adoptedSandbox(id: string, name: string, owner: SandboxOwner, createdAt: Date): Sandbox {
    const sandbox = new Sandbox(owner, name, name.replace(/^dojo-/, ""), createdAt, this.now());
    sandbox.id = id;
    sandbox.state = SandboxState.Ready;
    this.log.info("sandbox adopted", { id: id.slice(0, 12), name });
    return sandbox;
  }

  private track(sandbox: Sandbox): void {
    this.byOwner.set(ownerKey(sandbox.owner), sandbox);
    this.byId.set(sandbox.id, sandbox);
  }

  private templateOf(owner: SandboxOwner) {
    const template = this.templates.get(owner.template);
    if (!template) {
      throw new UserFacingError("sandbox_failed", `This lesson asks for a "${owner.template}" sandbox, which this platform does not offer.`);
    }
    return template;
  }

  private async isRunning(sandbox: Sandbox): Promise<boolean> {
    const info = await this.engine.inspect(sandbox.id).catch((error: unknown) => {
      throw this.explain(error, "Your sandbox could not be checked.");
    });
    return info?.state === "running";
  }

  /** Turns an engine failure into a sentence for the learner (and logs the detail). */
  private explain(error: unknown, fallback: string): UserFacingError {
    if (error instanceof UserFacingError) return error;
    if (error instanceof EngineUnavailableError) {
      return new UserFacingError(
        "engine_unavailable",
        "The sandbox engine (Docker) is not reachable right now. We keep trying; your sandbox starts as soon as it is back.",
        { cause: error },
      );
    }
    const message = String((error as { json?: { message?: string } })?.json?.message ?? (error as Error)?.message ?? error);
    this.log.error(fallback, { error: message });
    if (/no such image/i.test(message)) {
      return new UserFacingError(
        "sandbox_failed",
        "The sandbox image is missing on this server. An administrator needs to run `npm run images`.",
        { cause: error },
      );
    }
    return new UserFacingError("sandbox_failed", `${fallback} Please try again in a moment.`, { cause: error });
  }
}
