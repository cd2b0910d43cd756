import type { Terminal } from "../terminal/terminal";
import { machineOf, sessionOf } from "../../../shared/playground";
import { containerName, hostnameOf, type SandboxOwner } from "./identity";

/** Lifecycle states only move forward: creating → ready → removing → gone. */
export enum SandboxState {
  Creating = "creating",
  Ready = "ready",
  Removing = "removing",
  Gone = "gone",
}

/**
 * Why a sandbox was frozen (runaway/): it sat at its process limit (a fork bomb, most
 * likely), or kept its whole CPU quota busy, with nobody watching. "unknown": it was found
 * paused when a restarted service adopted it (Docker remembers the pause, not its reason).
 */
export type FreezeCause = "pids" | "cpu" | "unknown";

/**
 * A frozen sandbox: its container is paused (Docker's cgroup freezer), so its processes
 * keep their memory and files and use no CPU. It stays `Ready` meanwhile (its timers run
 * on); the learner's next visit thaws it. A condition of a ready sandbox that comes and
 * goes, not a lifecycle state (those only move forward).
 */
export interface Frozen {
  cause: FreezeCause;
  at: Date;
}

/** One learner's container for one lesson, as the service tracks it. */
export class Sandbox {
  /** Docker container id; empty while creating. */
  id = "";
  state = SandboxState.Creating;
  /** Terminals by the id the browser chose ("main", …). */
  readonly terminals = new Map<string, Terminal>();
  /** In-flight terminal starts, so two tabs opening "main" at once share one shell. */
  readonly startingTerminals = new Map<string, Promise<Terminal>>();
  /** Connections that have a terminal of this sandbox open. */
  readonly attached = new Set<string>();
  /** When the last connection detached (ms); the idle timeout counts from here. */
  idleSince: number;
  /** Set while the container is paused by the runaway guard; cleared when a visit thaws it. */
  frozen: Frozen | undefined;
  /** Whether the learner has been warned that expiresAt is near. */
  warnedOfExpiry = false;
  /** When the learner was last told their disk is full (ms). */
  diskFullNoticeAt = -Infinity;

  constructor(
    readonly owner: SandboxOwner,
    /** Random part of the name and hostname (a claimed pool container's own). */
    public short: string,
    /** When the container was created (for a pooled one, before the claim). */
    public createdAt: Date,
    /** When the learner got it (creation, or the claim of a pooled sandbox). */
    readonly claimedAt: Date,
    /** When the maximum lifetime removes it; moved later by an extension. */
    public expiresAt: Date,
    now: number,
  ) {
    this.idleSince = now;
    this.requestedAt = now;
  }

  /** When the service started getting it for the learner (ms), for the time a learner waits. */
  readonly requestedAt: number;

  /** Who and what a log line about it names: the container, its host name, the learner and the lesson. */
  forLog(): { sandbox: string; hostname: string; learner: string; lesson: string } {
    return { sandbox: this.id.slice(0, 12), hostname: this.hostname, learner: this.owner.learner, lesson: this.owner.lesson };
  }

  /** A machine's name (node2) on the playground or in a lesson with several machines, or null for a lesson's one sandbox. */
  get machine(): string | null {
    return machineOf(this.owner.lesson);
  }

  /** The lesson this sandbox is for ("play" for the playground): its owner's lesson without the machine. */
  get session(): string {
    return sessionOf(this.owner.lesson);
  }

  /** A playground machine is called by its name (its prompt says node2, as swarm lists it). */
  get hostname(): string {
    return this.machine ?? hostnameOf({ template: this.owner.template, short: this.short });
  }

  /** The container name for the claim as it stands (owner and expiry). */
  get name(): string {
    return containerName({
      template: this.owner.template,
      short: this.short,
      claim: { learner: this.owner.learner, lesson: this.owner.lesson, claimedAt: this.claimedAt, expiresAt: this.expiresAt },
    });
  }
}
