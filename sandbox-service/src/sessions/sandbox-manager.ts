/**
 * Learner ↔ sandbox ownership and the sandbox lifecycle: claim from the warm pool or
 * create on open, capacity (a global maximum with a waiting line, a per-learner maximum),
 * idle and lifetime timers with a warning and extensions, reset, freezing (runaway/ asks;
 * a visit thaws), and reconciliation with the engine (re-adopting sandboxes after a
 * restart, frozen ones included, and reaping what nobody owns).
 *
 * Invariants:
 * - at most one live sandbox per (learner, lesson) is tracked;
 * - a container a learner was given is never given to anyone else, even across a crash:
 *   its name records the claim (sessions/identity; written right after a warm hand-over,
 *   claim-recorder.ts), and a container a previous run left with a pool name is reaped,
 *   never pooled again;
 * - every container of this instance that is not tracked is either adopted or removed
 *   by the next reconcile (after a grace period, so a container being created right now
 *   is not mistaken for a leak);
 * - a sandbox is frozen only while no connection is attached, and thawed before a
 *   connection gets a terminal of it; freezes and thaws of one sandbox run one at a time.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { machineNumber, machineOf, PLAYGROUND_LESSON, sessionOf as sessionOfLesson } from "../../../shared/playground";
import type { SandboxEndReason, SandboxStatus, TerminalSize } from "../../../shared/protocol";
import { EngineUnavailableError, ImageMissingError, type SandboxEngine } from "../engine/engine";
import { DISK_FULL_PHRASES } from "../engine/errors";
import type { Logger } from "../log/logger";
import type { PooledSandbox, WarmPool } from "../pool/warm-pool";
import { createSandboxContainer } from "../templates/create";
import { waitUntilReady } from "../templates/readiness";
import type { TemplateCatalog } from "../templates/catalog";
import { watchOutput } from "../terminal/output-watch";
import { FIRST_SHELL_SIZE, MAIN_TERMINAL_ID, Terminal } from "../terminal/terminal";
import { RateWindow } from "../limits/rate-window";
import { Admission } from "./admission";
import { ClaimRecorder } from "./claim-recorder";
import { PlaygroundNetworks } from "./playground-networks";
import type { Capacity } from "./capacity";
import { UserFacingError } from "../user-facing-error";
import { instanceSelector, readIdentity, sandboxLabels, wholeSecond, type SandboxOwner } from "./identity";
import { Sandbox, SandboxState, type FreezeCause, type Frozen } from "./sandbox";

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
  /** Sandboxes one learner may hold at once (one per lesson). */
  maxPerLearner: number;
  /** How long before expiry the learner is warned (and may extend). */
  expiryWarningMs: number;
  /** How much time one extension adds. */
  extensionMs: number;
  /** Extensions allowed per sandbox. */
  maxExtensions: number;
  /** Shells open at once in one sandbox; past it terminal:open of a new id is refused. */
  maxTerminals: number;
  /** Resets of one owner's sandbox per minute (each one creates a container). */
  resetsPerMinute: number;
  /** Machines of one learner's playground (node1 … nodeN); see shared/playground.ts. */
  playgroundMaxMachines: number;
  /**
   * This agent is one of the platform's machines (PostgreSQL: other agents may take
   * learners), so "full" is said of this machine, never of the platform. Default: the
   * platform is this one machine.
   */
  severalAgents?: boolean;
}

/**
 * What a learner waiting in line reads. With several agents only this one is full: the
 * others may have room, but the learner was placed here (their sandbox or their lesson's
 * placement is here), so the line is this machine's.
 */
export function queuedMessage(place: number, severalAgents: boolean): string {
  return severalAgents
    ? `Every sandbox on this machine of the platform is in use. You are number ${place} in its line; yours starts here as soon as one is free.`
    : `Every sandbox on this platform is in use. You are number ${place} in line; yours starts as soon as one is free.`;
}

export interface SandboxManagerEvents {
  /** A learner got a sandbox: a new one, or one claimed from the warm pool. */
  provisioned: [sandbox: Sandbox, how: "created" | "claimed"];
  ended: [sandbox: Sandbox, reason: SandboxEndReason];
  expiring: [sandbox: Sandbox];
  /** A program in the sandbox said its disk is full (at most once per DISK_FULL_NOTICE_MS). */
  diskFull: [sandbox: Sandbox];
  /** The runaway guard paused it (nobody attached). */
  frozen: [sandbox: Sandbox, cause: FreezeCause];
  /** A visit let it run again. */
  thawed: [sandbox: Sandbox, frozen: Frozen];
}

/** How long after the last claim of a burst the pool starts refilling. */
export const REFILL_QUIET_MS = 150;

/** A learner filling the disk sees the error once per command; one notice a minute is enough to explain it. */
const DISK_FULL_NOTICE_MS = 60_000;

type Progress = (status: SandboxStatus) => void;

const END_MESSAGES: Record<SandboxEndReason, string> = {
  idle: "Your sandbox was removed because no terminal was open for a while.",
  lifetime: "Your sandbox reached its maximum lifetime and was removed.",
  reset: "Your sandbox was reset.",
  gone: "Your sandbox stopped unexpectedly.",
  "workshop-ended": "The workshop has ended, so your sandbox was removed. Thank you for taking part!",
  removed: "This machine was removed from your playground.",
  replaced: "This sandbox was removed to make room for one you opened in another lesson. Reload the page for a fresh one.",
};

export function endMessage(reason: SandboxEndReason): string {
  return END_MESSAGES[reason];
}

const THAW_MESSAGES: Record<FreezeCause, string> = {
  pids:
    "While no terminal was open, your sandbox sat at its limit of running processes (a fork bomb does that), so it was paused to spare the machine. " +
    "It runs again now, just as you left it. If new commands cannot start, press Reset sandbox for a fresh one.",
  cpu:
    "While no terminal was open, a program in your sandbox kept its CPU busy, so it was paused to spare the machine. " +
    "It runs again now, just as you left it, that program included: stop it (Ctrl-C or kill) if you no longer need it.",
  unknown:
    "While no terminal was open, your sandbox was paused because it kept the machine busy. " +
    "It runs again now, just as you left it. If it does not respond, press Reset sandbox for a fresh one.",
};

/** What the learner reads when their frozen sandbox is thawed. */
export function thawMessage(cause: FreezeCause): string {
  return THAW_MESSAGES[cause];
}

function ownerKey(owner: SandboxOwner): string {
  return `${owner.learner}\n${owner.lesson}`;
}

/** What counts as one sandbox toward the per-learner limit: a lesson (all its machines), or a whole playground. */
function sessionOf(owner: SandboxOwner): string {
  return sessionOfLesson(owner.lesson);
}

export class SandboxManager extends EventEmitter<SandboxManagerEvents> {
  private readonly byOwner = new Map<string, Sandbox>();
  private readonly byId = new Map<string, Sandbox>();
  /** Pool containers being claimed: in neither the pool nor byId meanwhile. */
  private readonly claiming = new Set<string>();
  /**
   * Containers being removed: untracked already, still listed by the engine until Docker
   * is done (a second or more for a nested engine's volume), so reconcile must not re-adopt them.
   */
  private readonly removing = new Set<string>();
  private readonly creating = new Map<Sandbox, Promise<Sandbox>>();
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly admission = new Admission();
  /** Resets per owner in the last minute. */
  private readonly resets: RateWindow;
  /** The freeze or thaw running per sandbox: the next one waits for it (pause and unpause must not cross). */
  private readonly freezer = new Map<Sandbox, Promise<unknown>>();
  private warnedNoDiskLimits = false;
  private readonly networks: PlaygroundNetworks;
  private readonly claims: ClaimRecorder;
  /** Containers created before this are a previous run's, never one this run is creating. */
  private readonly startedAt: number;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly templates: TemplateCatalog,
    private readonly pool: WarmPool,
    /** SANDBOX_MAX_TOTAL: the manager's sandboxes and its waiting line count into it. */
    private readonly capacity: Capacity,
    private readonly options: SandboxManagerOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
    capacity.countHeld(() => this.byOwner.size);
    capacity.countWaiting(() => this.admission.queueLength);
    this.resets = new RateWindow(options.resetsPerMinute, 60_000, now);
    this.networks = new PlaygroundNetworks(engine, options.instance);
    this.claims = new ClaimRecorder(engine, log);
    this.startedAt = now();
  }

  get playgroundMaxMachines(): number {
    return this.options.playgroundMaxMachines;
  }

  /**
   * The machines of a learner's session (any state but gone), node1 first: their
   * playground ("play", the default), or a lesson with several machines (its slug).
   */
  machines(learner: string, session: string = PLAYGROUND_LESSON): Sandbox[] {
    return this.list()
      .filter((s) => s.owner.learner === learner && s.machine !== null && s.session === session)
      .sort((a, b) => machineNumber(a.machine!) - machineNumber(b.machine!));
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
    return this.capacity.hasRoom();
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
      // A frozen sandbox is alive: its container is paused until the caller thaws it (thaw()).
      if (existing.state === SandboxState.Ready && (await this.isAlive(existing))) return existing;
      await this.remove(existing, "gone");
    }
    return this.admitted(owner, progress, signal);
  }

  /** Removes the owner's sandbox (if any) and gives them a fresh one; refused (nothing changes) past the resets allowed per minute. */
  async reset(owner: SandboxOwner, progress: Progress, signal?: AbortSignal): Promise<Sandbox> {
    if (!this.resets.take(ownerKey(owner))) {
      const seconds = Math.max(1, Math.ceil(this.resets.waitMs(ownerKey(owner)) / 1000));
      throw new UserFacingError(
        "too_many",
        `This sandbox was reset ${this.options.resetsPerMinute} times in the last minute, the most allowed. It is still here as it was; you can reset it again in ${seconds} seconds.`,
      );
    }
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
    // A session's machines share one lifetime: extending one extends them all.
    const together = sandbox.machine ? this.machines(sandbox.owner.learner, sandbox.session).filter((s) => s.state === SandboxState.Ready) : [sandbox];
    if (!together.includes(sandbox)) together.push(sandbox);
    const expiresAt = new Date(sandbox.expiresAt.getTime() + this.options.extensionMs);
    for (const each of together) {
      // After the claim's own rename, which would otherwise write the old expiry over this one.
      await this.claims.whenRecorded(each);
      const previous = each.expiresAt;
      each.expiresAt = expiresAt;
      try {
        // The expiry lives in the container name, so it survives a restart of the service.
        await this.engine.rename(each.id, each.name);
        this.claims.recordedBy(each);
      } catch (error) {
        each.expiresAt = previous;
        if (each === sandbox) throw this.explain(error, "Your sandbox could not be extended.");
        continue; // a machine going away meanwhile keeps its own time
      }
      each.warnedOfExpiry = false;
      this.log.info("sandbox extended", { ...each.forLog(), expiresAt: each.expiresAt.toISOString() });
    }
    return sandbox.expiresAt;
  }

  /**
   * The terminal `terminalId` of a ready sandbox, started on first use. A new id is refused
   * once the sandbox has `maxTerminals` shells open or starting (counted synchronously, so
   * a flood of opens cannot all get in).
   */
  async openTerminal(sandbox: Sandbox, terminalId: string, size: TerminalSize): Promise<Terminal> {
    const open = sandbox.terminals.get(terminalId);
    // Started earlier (with the sandbox, or by another tab): frozen since, it runs again first.
    if (open?.isOpen) return this.thaw(sandbox).then(() => open);
    const starting = sandbox.startingTerminals.get(terminalId);
    if (starting) return starting;
    if (sandbox.terminals.size + sandbox.startingTerminals.size >= this.options.maxTerminals) {
      throw new UserFacingError(
        "too_many",
        `This sandbox already has ${this.options.maxTerminals} terminals, the most one sandbox can have. Type \`exit\` in one you no longer need, or reset the sandbox.`,
      );
    }
    const template = this.templateOf(sandbox.owner);
    const start = (async () => {
      try {
        // Normally thawed already by the sandbox:open before; a freeze may have come between.
        await this.thaw(sandbox);
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

  /**
   * Freezes a sandbox nobody is attached to (the runaway guard decided it costs the machine
   * for nobody): pauses its container. False, and nothing done, when someone is attached or
   * a terminal is starting, it is not ready, already frozen, or the engine refused.
   */
  freeze(sandbox: Sandbox, cause: FreezeCause): Promise<boolean> {
    return this.oneAtATime(sandbox, async () => {
      const inUse = sandbox.attached.size > 0 || sandbox.startingTerminals.size > 0;
      if (sandbox.state !== SandboxState.Ready || sandbox.frozen || inUse) return false;
      const frozen: Frozen = { cause, at: new Date(this.now()) };
      sandbox.frozen = frozen;
      try {
        await this.engine.pause(sandbox.id);
      } catch (error) {
        if (sandbox.frozen === frozen) sandbox.frozen = undefined;
        this.log.warn("could not freeze a runaway sandbox", { ...sandbox.forLog(), error });
        return false;
      }
      this.log.info("sandbox frozen: busy with nobody attached", { ...sandbox.forLog(), cause });
      this.emit("frozen", sandbox, cause);
      return true;
    });
  }

  /**
   * Lets a frozen sandbox run again (before a learner uses it). Returns the sentence that
   * tells the learner why it had been frozen, or undefined when it was not frozen (or
   * another caller thawed it first: only one of them tells the learner).
   */
  thaw(sandbox: Sandbox): Promise<string | undefined> {
    return this.oneAtATime(sandbox, async () => {
      const frozen = sandbox.frozen;
      if (!frozen || sandbox.state !== SandboxState.Ready) return undefined;
      try {
        await this.engine.unpause(sandbox.id);
      } catch (error) {
        throw this.explain(error, "Your sandbox had been paused and could not be woken up.");
      }
      sandbox.frozen = undefined;
      this.log.info("sandbox thawed", { ...sandbox.forLog(), cause: frozen.cause });
      this.emit("thawed", sandbox, frozen);
      return thawMessage(frozen.cause);
    });
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
    this.log.info("sandbox removed", { ...sandbox.forLog(), reason });
    const id = sandbox.id;
    if (id) this.removing.add(id);
    try {
      if (id) await this.engine.remove(id);
    } catch (error) {
      // The container stays untracked; the next reconcile removes it.
      this.log.warn("could not remove sandbox container; will retry", { ...sandbox.forLog(), error });
    } finally {
      this.removing.delete(id);
    }
    sandbox.state = SandboxState.Gone;
    if (sandbox.machine) this.releaseNetwork(sandbox.owner.learner, sandbox.session);
    this.admission.admitNext();
  }

  /** Warns before expiry, then applies the maximum lifetime and the idle timeout. */
  async applyTimers(): Promise<void> {
    this.resets.prune();
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
   * gone, adopts the running claimed containers of this instance that a previous run
   * created, back to their owners, and removes every other container of this instance
   * (stopped, expired, unreadable, a duplicate for an owner who already has one, or
   * unclaimed: the pool refills with new ones).
   */
  async reconcile(): Promise<{ adopted: number; reaped: number }> {
    // Only sandboxes ready before the engine was asked can be judged by its answer: one
    // created while the list was on its way is missing from it without being gone.
    const judged = this.list().filter((sandbox) => sandbox.state === SandboxState.Ready);
    const frozenBefore = new Map(judged.map((sandbox) => [sandbox, sandbox.frozen]));
    this.claims.retry((sandbox) => this.byId.get(sandbox.id) === sandbox);
    const containers = await this.engine.list(instanceSelector(this.options.instance));
    const now = this.now();
    const running = new Set(containers.filter((c) => c.state === "running").map((c) => c.id));
    // A paused container is a frozen sandbox: alive, kept, adopted after a restart.
    const paused = new Set(containers.filter((c) => c.state === "paused").map((c) => c.id));
    const alive = (id: string) => running.has(id) || paused.has(id);
    for (const sandbox of judged) {
      if (sandbox.state !== SandboxState.Ready) continue;
      if (!alive(sandbox.id)) await this.remove(sandbox, "gone");
      else if (sandbox.frozen === frozenBefore.get(sandbox) && !this.freezer.has(sandbox)) this.agreeOnFrozen(sandbox, paused.has(sandbox.id), now);
    }
    let adopted = 0;
    let reaped = 0;
    for (const container of containers) {
      if (this.byId.has(container.id) || this.claiming.has(container.id) || this.removing.has(container.id)) continue;
      if (this.pool.has(container.id)) {
        if (!running.has(container.id)) this.pool.drop(container.id);
        else continue;
      }
      const identity = readIdentity(container.name, container.labels);
      const age = identity ? now - identity.createdAt.getTime() : Infinity;
      const ours = identity !== null && this.templates.has(identity.template);
      const claim = identity?.claim;
      if (ours && claim && alive(container.id)) {
        const owner = { learner: claim.learner, lesson: claim.lesson, template: identity.template };
        if (claim.expiresAt.getTime() > now && !this.byOwner.has(ownerKey(owner))) {
          const sandbox = new Sandbox(owner, identity.short, identity.createdAt, claim.claimedAt, claim.expiresAt, now);
          sandbox.id = container.id;
          sandbox.state = SandboxState.Ready;
          if (paused.has(container.id)) sandbox.frozen = { cause: "unknown", at: new Date(now) };
          this.track(sandbox);
          this.log.info("sandbox adopted", { ...sandbox.forLog(), frozen: paused.has(container.id) });
          adopted++;
          continue;
        }
      }
      // Never into the pool: a previous run may have handed it over before its claim's rename
      // (claim-recorder.ts). Reaped at once: this run is not creating it.
      const unclaimedFromBefore = identity !== null && !claim && identity.createdAt.getTime() < this.startedAt;
      if (age >= this.options.reapGraceMs || (claim && claim.expiresAt.getTime() <= now) || unclaimedFromBefore) {
        this.log.info("reaping container nobody owns", { name: container.name, state: container.state });
        await this.engine.remove(container.id);
        reaped++;
      }
    }
    // Volumes go with their containers; any left over (a crash mid-removal) go now.
    reaped += await this.engine.removeUnusedVolumes(instanceSelector(this.options.instance));
    // So do playground networks (a crash between a playground's last removal and its network's).
    reaped += await this.networks.reap(new Date(now - this.options.reapGraceMs));
    if (reaped > 0) this.admission.admitNext();
    return { adopted, reaped };
  }

  /**
   * A sandbox's frozen mark follows its container when they disagree (paused or unpaused
   * by someone else, e.g. an operator's `docker unpause`), so the next visit thaws what is
   * paused and the guard watches what runs.
   */
  private agreeOnFrozen(sandbox: Sandbox, paused: boolean, now: number): void {
    if (paused && !sandbox.frozen) sandbox.frozen = { cause: "unknown", at: new Date(now) };
    else if (!paused && sandbox.frozen) sandbox.frozen = undefined;
  }

  /** Waits (at most `timeoutMs`) for the claims still being written into container names, so the next start re-adopts them. */
  settleClaims(timeoutMs: number): Promise<void> {
    return this.claims.settle(timeoutMs);
  }

  /** Forgets every sandbox without removing containers (service shutdown: they are re-adopted on start). */
  shutdown(): void {
    for (const sandbox of this.list()) {
      for (const terminal of sandbox.terminals.values()) terminal.close();
    }
    this.byOwner.clear();
    this.byId.clear();
    clearTimeout(this.refillTimer);
    this.pool.shutdown();
  }

  /**
   * Refills the pool once no claim has been in flight for REFILL_QUIET_MS. Docker renames
   * one container at a time (~20 ms each here), and a claim's rename is a warm prompt's only
   * engine call: when a room of learners arrives at once, a refill's create and start
   * started after the first claim would make every later learner wait behind them
   * (bench:engine, warm prompt at N = 10).
   */
  private refillAfterClaims(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => {
      if (this.claiming.size > 0 || this.claims.busy) return this.refillAfterClaims();
      void this.pool.fill();
    }, REFILL_QUIET_MS);
    this.refillTimer.unref?.();
  }

  /** Checks the per-learner limit, waits for capacity, then claims or creates. */
  private async admitted(owner: SandboxOwner, progress: Progress, signal?: AbortSignal): Promise<Sandbox> {
    this.templateOf(owner);
    if (this.capacity.draining) {
      throw new UserFacingError(
        "capacity",
        "This machine of the platform is being taken out of service, so it starts no new sandboxes. Reload the page to get one on another machine.",
      );
    }
    const machine = machineOf(owner.lesson);
    if (machine && machineNumber(machine) > this.options.playgroundMaxMachines) {
      throw new UserFacingError(
        "too_many",
        `A playground has at most ${this.options.playgroundMaxMachines} machines (node1 to node${this.options.playgroundMaxMachines}). Remove one to add another.`,
      );
    }
    const sessions = new Set(this.list().filter((s) => s.owner.learner === owner.learner).map((s) => sessionOf(s.owner)));
    const held = sessions.size;
    if (!sessions.has(sessionOf(owner)) && held >= this.options.maxPerLearner) {
      // A learner reading lesson after lesson leaves sandboxes behind; the limit is against
      // hoarding, so one nobody has open gives way (as opening a new scenario does on
      // KillerCoda). Only when every one is open somewhere is the learner refused.
      const unused = this.longestUnusedSession(owner.learner);
      if (!unused) {
        throw new UserFacingError(
          "capacity",
          `You already have ${held} sandboxes open in other tabs, the most one learner can have at once. Close one of those tabs, then reload this page.`,
        );
      }
      this.log.info("sandbox replaced: its learner reached their limit and opened another", { ...unused[0]!.forLog(), for: owner.lesson });
      // Not awaited: remove() gives up the slots at once, so this check and the reservation
      // below stay one synchronous step and requests made at once cannot all slip under the limit.
      for (const sandbox of unused) void this.remove(sandbox, "replaced");
    }
    return this.admission.enter(
      // A machine never takes a pooled sandbox (reserve()), so only free room lets it in.
      () => this.byOwner.has(ownerKey(owner)) || (!machine && this.pool.readyCount(owner.template) > 0) || this.hasRoom(),
      () => this.reserve(owner, progress),
      (place) =>
        progress({
          phase: "queued",
          message: queuedMessage(place, this.options.severalAgents ?? false),
        }),
      signal,
    );
  }

  /**
   * The learner's session (a lesson's sandbox, or all machines of a playground or lesson)
   * that no terminal has shown for the longest, or undefined when each is open or starting.
   */
  private longestUnusedSession(learner: string): Sandbox[] | undefined {
    const bySession = new Map<string, Sandbox[]>();
    for (const sandbox of this.list().filter((s) => s.owner.learner === learner)) {
      bySession.set(sandbox.session, [...(bySession.get(sandbox.session) ?? []), sandbox]);
    }
    const unused = (sandbox: Sandbox) =>
      sandbox.state === SandboxState.Ready && sandbox.attached.size === 0 && sandbox.startingTerminals.size === 0;
    const lastSeen = (sandboxes: Sandbox[]) => Math.max(...sandboxes.map((s) => s.idleSince));
    return [...bySession.values()].filter((sandboxes) => sandboxes.every(unused)).sort((a, b) => lastSeen(a) - lastSeen(b))[0];
  }

  /**
   * Runs synchronously when admitted: registers the sandbox (taking its capacity slot, and a
   * pooled container if one is ready) before anything awaits, then provisions it.
   */
  private reserve(owner: SandboxOwner, progress: Progress): Promise<Sandbox> {
    const existing = this.byOwner.get(ownerKey(owner));
    if (existing) return this.creating.get(existing) ?? Promise.resolve(existing);
    const now = this.now();
    // A machine added to a session joins its lifetime: adding machines never extends it.
    const session = machineOf(owner.lesson) ? this.machines(owner.learner, sessionOf(owner))[0] : undefined;
    const claimedAt = session?.claimedAt ?? wholeSecond(now);
    const expiresAt = session?.expiresAt ?? wholeSecond(now + this.options.maxLifetimeMs);
    const sandbox = new Sandbox(owner, randomBytes(4).toString("hex"), claimedAt, claimedAt, expiresAt, now);
    this.byOwner.set(ownerKey(owner), sandbox);
    // Pooled sandboxes have no network, and a container cannot join one from none: machines are made for their session.
    const pooled = sandbox.machine ? undefined : this.pool.take(owner.template);
    const provisioning = this.provision(sandbox, pooled, progress)
      .catch((error: unknown) => {
        sandbox.state = SandboxState.Gone;
        if (this.byOwner.get(ownerKey(owner)) === sandbox) this.byOwner.delete(ownerKey(owner));
        if (sandbox.id) {
          // Created but never ready (e.g. its engine did not start): it goes, with its volumes.
          this.byId.delete(sandbox.id);
          void this.engine.remove(sandbox.id).catch(() => undefined);
        }
        if (sandbox.machine) this.releaseNetwork(owner.learner, sandbox.session);
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
      const claimed = await this.claim(sandbox, candidate);
      this.refillAfterClaims();
      if (claimed) return sandbox;
    }
    progress({ phase: "creating", message: sandbox.machine ? `Creating ${sandbox.machine}…` : "Creating your sandbox…" });
    const network = sandbox.machine ? { name: await this.networks.ensure(sandbox.owner.learner, sandbox.session), alias: sandbox.machine } : undefined;
    const container = await createSandboxContainer(this.engine, template, {
      name: sandbox.name,
      hostname: sandbox.hostname,
      labels: sandboxLabels(this.options.instance, template.name, sandbox.createdAt),
      ...(network ? { network } : {}),
    });
    sandbox.id = container.id;
    this.byId.set(sandbox.id, sandbox);
    if (template.readiness) {
      progress({ phase: "starting", message: template.readiness.message });
      await waitUntilReady(this.engine, container.id, template);
    }
    sandbox.state = SandboxState.Ready;
    // The page asks for its shell once it hears the sandbox is ready: starting it now
    // overlaps the shell's start with that round trip, as a pooled sandbox's shell does.
    this.openTerminal(sandbox, MAIN_TERMINAL_ID, FIRST_SHELL_SIZE).catch(() => undefined);
    this.emit("provisioned", sandbox, "created");
    this.log.info("sandbox created", sandbox.forLog());
    if (this.engine.diskLimits === false && !this.warnedNoDiskLimits) {
      this.warnedNoDiskLimits = true;
      this.log.warn("the storage driver cannot limit sandbox disk space; a learner can fill the engine's disk (see README)");
    }
    return sandbox;
  }

  /**
   * Makes a pooled container the sandbox's. One whose shell is open runs: it is handed over
   * at once, its claim written into its name right after (claim-recorder.ts). Otherwise the
   * rename comes first and proves the container still exists.
   */
  private async claim(sandbox: Sandbox, pooled: PooledSandbox): Promise<boolean> {
    sandbox.short = pooled.short;
    sandbox.createdAt = pooled.createdAt;
    const shell = pooled.shell?.isOpen ? pooled.shell : undefined;
    if (!shell && !(await this.renameBeforeHandOver(sandbox, pooled))) return false;
    sandbox.id = pooled.id;
    sandbox.state = SandboxState.Ready;
    this.byId.set(sandbox.id, sandbox);
    this.claiming.delete(pooled.id);
    if (shell) {
      this.claims.record(sandbox);
      this.addTerminal(sandbox, MAIN_TERMINAL_ID, shell);
    }
    this.emit("provisioned", sandbox, "claimed");
    this.log.info("sandbox claimed from the pool", sandbox.forLog());
    return true;
  }

  private async renameBeforeHandOver(sandbox: Sandbox, pooled: PooledSandbox): Promise<boolean> {
    this.claiming.add(pooled.id);
    try {
      await this.engine.rename(pooled.id, sandbox.name);
      return true;
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
  }

  private addTerminal(sandbox: Sandbox, terminalId: string, terminal: Terminal): void {
    sandbox.terminals.set(terminalId, terminal);
    watchOutput(terminal, [...DISK_FULL_PHRASES], () => {
      const now = this.now();
      if (now - sandbox.diskFullNoticeAt < DISK_FULL_NOTICE_MS) return;
      sandbox.diskFullNoticeAt = now;
      this.emit("diskFull", sandbox);
    });
    terminal.onExited(() => {
      if (sandbox.terminals.get(terminalId) === terminal) sandbox.terminals.delete(terminalId);
    });
  }

  /** Removes a learner's session network once no machine of that session is left (in the background; reconcile retries). */
  private releaseNetwork(learner: string, session: string): void {
    this.networks
      .release(learner, session, () => this.machines(learner, session).length > 0)
      .catch((error: unknown) => this.log.warn("could not remove a playground network; the next sweep retries", { error: String(error) }));
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

  /** Running, or paused (frozen): its processes and files are there. */
  private async isAlive(sandbox: Sandbox): Promise<boolean> {
    const info = await this.engine.inspect(sandbox.id).catch((error: unknown) => {
      throw this.explain(error, "Your sandbox could not be checked.");
    });
    if (info?.state === "paused" && !sandbox.frozen) sandbox.frozen = { cause: "unknown", at: new Date(this.now()) };
    return info?.state === "running" || info?.state === "paused";
  }

  /** Runs freezes and thaws of one sandbox one after the other. */
  private oneAtATime<T>(sandbox: Sandbox, work: () => Promise<T>): Promise<T> {
    const previous = this.freezer.get(sandbox) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.freezer.set(sandbox, next);
    const forget = () => {
      if (this.freezer.get(sandbox) === next) this.freezer.delete(sandbox);
    };
    next.then(forget, forget);
    return next;
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
    this.log.error(fallback, { error: String((error as Error)?.message ?? error) });
    if (error instanceof ImageMissingError) {
      return new UserFacingError(
        "sandbox_failed",
        "The sandbox image is missing on this server. An administrator needs to run `npm run images`.",
        { cause: error },
      );
    }
    return new UserFacingError("sandbox_failed", `${fallback} Please try again in a moment.`, { cause: error });
  }
}
