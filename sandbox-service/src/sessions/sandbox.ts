import type { Terminal } from "../terminal/terminal";
import type { SandboxOwner } from "./labels";

/** Lifecycle states only move forward: creating → ready → removing → gone. */
export enum SandboxState {
  Creating = "creating",
  Ready = "ready",
  Removing = "removing",
  Gone = "gone",
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

  constructor(
    readonly owner: SandboxOwner,
    readonly name: string,
    readonly hostname: string,
    readonly createdAt: Date,
    now: number,
  ) {
    this.idleSince = now;
  }
}
