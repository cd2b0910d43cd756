/**
 * The private network of each learner's playground, and of each lesson with several
 * machines: its machines (shared/playground.ts) reach each other on it by name, and
 * nothing else (engine/bridge-lockdown.ts). One per (instance, learner, session: "play" or
 * the lesson), made when the first machine is, removed when the last one goes
 * (or, after a crash, by the next reconcile: every network of the instance that no
 * container uses). Creations and removals of one session's network run one at a time, so
 * a machine being added never sees its network removed under it.
 */
import { createHash } from "node:crypto";
import type { SandboxEngine } from "../engine/engine";
import { PLAYGROUND_LESSON } from "../../../shared/playground";
import { instanceSelector } from "./identity";

/** Marks a network as a playground's (on top of the instance's labels). */
const KIND_LABEL = "dojo.network";
const KIND = "playground";

export class PlaygroundNetworks {
  private readonly queue = new Map<string, Promise<unknown>>();

  constructor(
    private readonly engine: SandboxEngine,
    private readonly instance: string,
  ) {}

  /**
   * The network's name: per instance and learner, not guessable from outside (a learner id
   * never shows in it) and stable, so a restarted service finds it again.
   */
  nameFor(learner: string, session: string = PLAYGROUND_LESSON): string {
    // The playground's hash is the one it had before lessons had machines: a running session keeps its network.
    const key = session === PLAYGROUND_LESSON ? `${this.instance}\n${learner}` : `${this.instance}\n${learner}\n${session}`;
    return `dojo-play-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
  }

  /** Labels every playground network of this instance carries. */
  selector(): Record<string, string> {
    return { ...instanceSelector(this.instance), [KIND_LABEL]: KIND };
  }

  /** Makes sure the learner's network of this session exists; returns its name. */
  ensure(learner: string, session: string = PLAYGROUND_LESSON): Promise<string> {
    const name = this.nameFor(learner, session);
    return this.oneAtATime(name, async () => {
      await this.engine.ensureNetwork({ name, labels: this.selector() });
      return name;
    });
  }

  /** Removes the learner's network of this session if `stillNeeded()` says no machine is left (asked inside the queue). */
  release(learner: string, session: string, stillNeeded: () => boolean): Promise<void> {
    const name = this.nameFor(learner, session);
    return this.oneAtATime(name, async () => {
      if (!stillNeeded()) await this.engine.removeNetwork(name);
    });
  }

  /** Removes this instance's playground networks no container uses, made before `createdBefore`. */
  reap(createdBefore: Date): Promise<number> {
    return this.engine.removeUnusedNetworks(this.selector(), createdBefore);
  }

  /** Work on one network (by name) runs after the previous work on it. */
  private oneAtATime<T>(network: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queue.get(network) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queue.set(network, next);
    const forget = () => {
      if (this.queue.get(network) === next) this.queue.delete(network);
    };
    next.then(forget, forget);
    return next;
  }
}
