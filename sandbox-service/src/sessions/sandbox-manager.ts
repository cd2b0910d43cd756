/**
 * Learner ↔ sandbox ownership and the sandbox lifecycle: claim from the warm pool or
 * create on open, capacity (a global maximum with a waiting line, a per-learner maximum),
 * idle and lifetime timers with a warning and extensions, reset, and reconciliation with
 * the engine (re-adopting sandboxes after a restart, reaping what nobody owns).
 *
 * Invariants:
 * - at most one live sandbox per (learner, lesson) is tracked;
 * - a sandbox is handed to a learner only after its container name names that learner
 *   (sessions/identity), so a crash can never give it to someone else;
 * - every container of this instance that is not tracked is either adopted or removed
 *   by the next reconcile (after a grace period, so a container being created right now
 *   is not mistaken for a leak).
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { SandboxEndReason, SandboxStatus, TerminalSize } from "../../../shared/protocol";
import { EngineUnavailableError, type SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import type { PooledSandbox, WarmPool } from "../pool/warm-pool";
import { createSandboxContainer } from "../templates/create";
import { waitUntilReady } from "../templates/readiness";
import type { TemplateRegistry } from "../templates/registry";
import { watchOutput } from "../terminal/output-watch";
import { Terminal } from "../terminal/terminal";
import { Admission } from "./admission";
import { UserFacingError } from "./errors";
import { instanceSelector, readIdentity, sandboxLabels, wholeSecond, type SandboxOwner } from "./identity";
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
  /** Containers on the platform at most (claimed and pooled); past it learners wait in line. */
  maxTotal: number;
  /** Sandboxes one learner may hold at once (one per lesson). */
  maxPerLearner: number;
  /** How long before expiry the learner is warned (and may extend). */
  expiryWarningMs: number;
  /** How much time one extension adds. */
  extensionMs: number;
  /** Extensions allowed per sandbox. */
  maxExtensions: number;
}

export interface SandboxManagerEvents {
  /** A learner got a sandbox: a new one, or one claimed from the warm pool. */
  provisioned: [sandbox: Sandbox, how: "created" | "claimed"];
  ended: [sandbox: Sandbox, reason: SandboxEndReason];
  expiring: [sandbox: Sandbox];
  /** A program in the sandbox said its disk is full (at most once per DISK_FULL_NOTICE_MS). */
  diskFull: [sandbox: Sandbox];
}

/** What programs print when the disk limit refuses a write (EDQUOT; ENOSPC where the host's disk itself fills). */
const DISK_FULL_PHRASES = ["disk quota exceeded", "no space left on device"];
/** A learner filling the disk sees the error once per command; one notice a minute is enough to explain it. */
const DISK_FULL_NOTICE_MS = 60_000;

type Progress = (status: SandboxStatus) => void;

const END_MESSAGES: Record<SandboxEndReason, string> = {
  idle: "Your sandbox was removed because no terminal was open for a while.",
  lifetime: "Your sandbox reached its maximum lifetime and was removed.",
  reset: "Your sandbox was reset.",
  gone: "Your sandbox stopped unexpectedly.",
  "workshop-ended": "The workshop has ended, so your sandbox was removed. Thank you for taking part!",
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
  /** Pool containers being renamed to their new owner: in neither the pool nor byId meanwhile. */
  private readonly claiming = new Set<string>();
  private readonly creating = new Map<Sandbox, Promise<Sandbox>>();
  private readonly admission = new Admission();
  private warnedNoDiskLimits = false;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly templates: TemplateRegistry,
    private readonly pool: WarmPool,
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

  findById(id: string): Sandbox | undefined {
    return this.byId.get(id);
  }

  /** Whether one more container fits: claimed, being created and pooled all count. */
  hasRoom(): boolean {
    return this.byOwner.size + this.pool.size < this.options.maxTotal;
  }

  /** Learners waiting for capacity. */
  get queueLength(): number {
    return this.admission.queueLength;
  }

  /** Whether this sandbox may still be extended. */
  canExtend(sandbox: Sandbox): boolean {
    return sandbox.expiresAt.getTime() + this.options.extensionMs <= this.latestExpiry(sandbox);
  }

  /**
   * The owner's sandbox: the tracked one if its container still runs, otherwise a new one
   * (from the warm pool when one is ready). Waits in line when the platform is full;
   * `signal` aborts the wait.
   */
  async open(owner: SandboxOwner, progress: Progress, signal?: AbortSignal): Promise<Sandbox> {
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
    return this.admitted(owner, progress, signal);
  }

  /** Removes the owner's sandbox (if any) and gives them a fresh one. */
  async reset(owner: SandboxOwner, progress: Progress, signal?: AbortSignal): Promise<Sandbox> {
    const existing = this.byOwner.get(ownerKey(owner));
    if (existing) {
      await this.creating.get(existing)?.catch(() => undefined);
      await this.remove(existing, "reset");
    }
    return this.admitted(owner, progress, signal);
  }

  /** Adds one extension to the sandbox's lifetime; refused past the allowed number. */
  async extend(sandbox: Sandbox): Promise<Date> {
    if (!this.canExtend(sandbox)) {
      throw new UserFacingError("capacity", "This sandbox cannot be extended any further. Save what you need; a reset gives you a fresh one.");
    }
    const previous = sandbox.expiresAt;
    sandbox.expiresAt = new Date(previous.getTime() + this.options.extensionMs);
    try {
      // The expiry lives in the container name, so it survives a restart of the service.
      await this.engine.rename(sandbox.id, sandbox.name);
    } catch (error) {
      sandbox.expiresAt = previous;
      throw this.explain(error, "Your sandbox could not be extended.");
    }
    sandbox.warnedOfExpiry = false;
    this.log.info("sandbox extended", { name: sandbox.name, expiresAt: sandbox.expiresAt.toISOString() });
    return sandbox.expiresAt;
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
        const terminal = new Terminal(tty, size, {
          scrollbackBytes: this.options.scrollbackBytes,
          // After an engine restart (live-restore keeps the container): a new shell, same terminal.
          reopen: (current) => this.engine.openTty(sandbox.id, { ...template.shell, size: current }),
        });
        if (sandbox.state !== SandboxState.Ready) {
          terminal.close();
          throw new UserFacingError("not_found", "This sandbox has been removed.");
        }
        this.addTerminal(sandbox, terminalId, terminal);
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
    this.log.info("sandbox removed", { id: sandbox.id.slice(0, 12), hostname: sandbox.hostname, reason });
    try {
      if (sandbox.id) await this.engine.remove(sandbox.id);
    } catch (error) {
      // The container stays untracked; the next reconcile removes it.
      this.log.warn("could not remove sandbox container; will retry", { hostname: sandbox.hostname, error });
    }
    sandbox.state = SandboxState.Gone;
    this.admission.admitNext();
  }

  /** Warns before expiry, then applies the maximum lifetime and the idle timeout. */
  async applyTimers(): Promise<void> {
    const now = this.now();
    for (const sandbox of this.list()) {
      if (sandbox.state !== SandboxState.Ready) continue;
      const left = sandbox.expiresAt.getTime() - now;
      if (left <= 0) {
        await this.remove(sandbox, "lifetime");
      } else if (sandbox.attached.size === 0 && now - sandbox.idleSince >= this.options.idleTimeoutMs) {
        await this.remove(sandbox, "idle");
      } else if (left <= this.options.expiryWarningMs && !sandbox.warnedOfExpiry) {
        sandbox.warnedOfExpiry = true;
        this.emit("expiring", sandbox);
      }
    }
  }

  /**
   * Makes the tracked state agree with the engine: forgets sandboxes whose container is
   * gone, adopts running containers of this instance that a previous run created (claimed
   * ones back to their owners, unclaimed ones into the pool), and removes every other
   * container of this instance (stopped, expired, unreadable, a duplicate for an owner who
   * already has one, or a pool surplus).
   */
  async reconcile(): Promise<{ adopted: number; reaped: number }> {
    // Only sandboxes ready before the engine was asked can be judged by its answer: one
    // created while the list was on its way is missing from it without being gone.
    const judged = this.list().filter((sandbox) => sandbox.state === SandboxState.Ready);
    const containers = await this.engine.list(instanceSelector(this.options.instance));
    const now = this.now();
    const running = new Set(containers.filter((c) => c.state === "running").map((c) => c.id));
    for (const sandbox of judged) {
      if (sandbox.state === SandboxState.Ready && !running.has(sandbox.id)) await this.remove(sandbox, "gone");
    }
    let adopted = 0;
    let reaped = 0;
    for (const container of containers) {
      if (this.byId.has(container.id) || this.claiming.has(container.id)) continue;
      if (this.pool.has(container.id)) {
        if (!running.has(container.id)) this.pool.drop(container.id);
        else continue;
      }
      const identity = readIdentity(container.name, container.labels);
      const age = identity ? now - identity.createdAt.getTime() : Infinity;
      const usable = identity !== null && running.has(container.id) && this.templates.has(identity.template);
      const claim = identity?.claim;
      if (usable && claim) {
        const owner = { learner: claim.learner, lesson: claim.lesson, template: identity.template };
        if (claim.expiresAt.getTime() > now && !this.byOwner.has(ownerKey(owner))) {
          const sandbox = new Sandbox(owner, identity.short, identity.createdAt, claim.claimedAt, claim.expiresAt, now);
          sandbox.id = container.id;
          sandbox.state = SandboxState.Ready;
          this.track(sandbox);
          this.log.info("sandbox adopted", { id: container.id.slice(0, 12), hostname: sandbox.hostname });
          adopted++;
          continue;
        }
      } else if (usable && (await this.pool.adopt(container.id, identity.template, identity.short, identity.createdAt))) {
        adopted++;
        continue;
      }
      if (age >= this.options.reapGraceMs || (claim && claim.expiresAt.getTime() <= now)) {
        this.log.info("reaping container nobody owns", { name: container.name, state: container.state });
        await this.engine.remove(container.id);
        reaped++;
      }
    }
    // Volumes go with their containers; any left over (a crash mid-removal) go now.
    reaped += await this.engine.removeUnusedVolumes(instanceSelector(this.options.instance));
    if (reaped > 0) this.admission.admitNext();
    return { adopted, reaped };
  }

  /** Forgets every sandbox without removing containers (service shutdown: they are re-adopted on start). */
  shutdown(): void {
    for (const sandbox of this.list()) {
      for (const terminal of sandbox.terminals.values()) terminal.close();
    }
    this.byOwner.clear();
    this.byId.clear();
    this.pool.shutdown();
  }

  /** Checks the per-learner limit, waits for capacity, then claims or creates. */
  private async admitted(owner: SandboxOwner, progress: Progress, signal?: AbortSignal): Promise<Sandbox> {
    this.templateOf(owner);
    const held = this.list().filter((s) => s.owner.learner === owner.learner).length;
    if (held >= this.options.maxPerLearner) {
      throw new UserFacingError(
        "capacity",
        `You already have ${held} sandboxes running, the most one learner can have at once. ` +
          `Those of lessons you have left are removed after ${Math.round(this.options.idleTimeoutMs / 60_000)} minutes without an open terminal.`,
      );
    }
    return this.admission.enter(
      () => this.byOwner.has(ownerKey(owner)) || this.pool.readyCount(owner.template) > 0 || this.hasRoom(),
      () => this.reserve(owner, progress),
      (place) =>
        progress({
          phase: "queued",
          message: `Every sandbox on this platform is in use. You are number ${place} in line; yours starts as soon as one is free.`,
        }),
      signal,
    );
  }

  /**
   * Runs synchronously when admitted: registers the sandbox (taking its capacity slot, and a
   * pooled container if one is ready) before anything awaits, then provisions it.
   */
  private reserve(owner: SandboxOwner, progress: Progress): Promise<Sandbox> {
    const existing = this.byOwner.get(ownerKey(owner));
    if (existing) return this.creating.get(existing) ?? Promise.resolve(existing);
    const now = this.now();
    const claimedAt = wholeSecond(now);
    const expiresAt = wholeSecond(now + this.options.maxLifetimeMs);
    const sandbox = new Sandbox(owner, randomBytes(4).toString("hex"), claimedAt, claimedAt, expiresAt, now);
    this.byOwner.set(ownerKey(owner), sandbox);
    const provisioning = this.provision(sandbox, this.pool.take(owner.template), progress)
      .catch((error: unknown) => {
        sandbox.state = SandboxState.Gone;
        if (this.byOwner.get(ownerKey(owner)) === sandbox) this.byOwner.delete(ownerKey(owner));
        if (sandbox.id) {
          // Created but never ready (e.g. its engine did not start): it goes, with its volumes.
          this.byId.delete(sandbox.id);
          void this.engine.remove(sandbox.id).catch(() => undefined);
        }
        this.admission.admitNext();
        throw this.explain(error, "Your sandbox could not be created.");
      })
      .finally(() => this.creating.delete(sandbox));
    this.creating.set(sandbox, provisioning);
    return provisioning;
  }

  /** Claims a pooled container (trying the next one if a claim fails), else creates one. */
  private async provision(sandbox: Sandbox, pooled: PooledSandbox | undefined, progress: Progress): Promise<Sandbox> {
    const template = this.templateOf(sandbox.owner);
    for (let candidate = pooled; candidate; candidate = this.pool.take(template.name)) {
      void this.pool.fill();
      if (await this.claim(sandbox, candidate)) return sandbox;
    }
    progress({ phase: "creating", message: "Creating your sandbox…" });
    const container = await createSandboxContainer(this.engine, template, {
      name: sandbox.name,
      hostname: sandbox.hostname,
      labels: sandboxLabels(this.options.instance, template.name, sandbox.createdAt),
    });
    sandbox.id = container.id;
    this.byId.set(sandbox.id, sandbox);
    if (template.readiness) {
      progress({ phase: "starting", message: template.readiness.message });
      await waitUntilReady(this.engine, container.id, template);
    }
    sandbox.state = SandboxState.Ready;
    this.emit("provisioned", sandbox, "created");
    this.log.info("sandbox created", { id: sandbox.id.slice(0, 12), hostname: sandbox.hostname, lesson: sandbox.owner.lesson });
    if (this.engine.diskLimits === false && !this.warnedNoDiskLimits) {
      this.warnedNoDiskLimits = true;
      this.log.warn("the storage driver cannot limit sandbox disk space; a learner can fill the engine's disk (see README)");
    }
    return sandbox;
  }

  /** Makes a pooled container the sandbox's: the rename is the durable hand-over. */
  private async claim(sandbox: Sandbox, pooled: PooledSandbox): Promise<boolean> {
    sandbox.short = pooled.short;
    sandbox.createdAt = pooled.createdAt;
    this.claiming.add(pooled.id);
    try {
      await this.engine.rename(pooled.id, sandbox.name);
    } catch (error) {
      this.claiming.delete(pooled.id);
      pooled.shell?.close();
      await this.engine.remove(pooled.id).catch(() => undefined);
      if (error instanceof EngineUnavailableError) throw error;
      this.log.warn("could not claim a pool sandbox; trying another", { error });
      sandbox.short = randomBytes(4).toString("hex");
      sandbox.createdAt = sandbox.claimedAt;
      return false;
    }
    sandbox.id = pooled.id;
    sandbox.state = SandboxState.Ready;
    this.byId.set(sandbox.id, sandbox);
    this.claiming.delete(pooled.id);
    if (pooled.shell?.isOpen) this.addTerminal(sandbox, "main", pooled.shell);
    this.emit("provisioned", sandbox, "claimed");
    this.log.info("sandbox claimed from the pool", { id: sandbox.id.slice(0, 12), hostname: sandbox.hostname, lesson: sandbox.owner.lesson });
    return true;
  }

  private addTerminal(sandbox: Sandbox, terminalId: string, terminal: Terminal): void {
    sandbox.terminals.set(terminalId, terminal);
    watchOutput(terminal, DISK_FULL_PHRASES, () => {
      const now = this.now();
      if (now - sandbox.diskFullNoticeAt < DISK_FULL_NOTICE_MS) return;
      sandbox.diskFullNoticeAt = now;
      this.emit("diskFull", sandbox);
    });
    terminal.onExited(() => {
      if (sandbox.terminals.get(terminalId) === terminal) sandbox.terminals.delete(terminalId);
    });
  }

  private latestExpiry(sandbox: Sandbox): number {
    return sandbox.claimedAt.getTime() + this.options.maxLifetimeMs + this.options.maxExtensions * this.options.extensionMs;
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
