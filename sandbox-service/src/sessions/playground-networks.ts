/**
 * The private network of each learner's playground: its machines (shared/playground.ts)
 * reach each other on it by name, and nothing else (engine/bridge-lockdown.ts). One per
 * (instance, learner), made when the first machine is, removed when the last one goes
 * (or, after a crash, by the next reconcile: every network of the instance that no
 * container uses). Creations and removals of one learner's network run one at a time, so
 * a machine being added never sees its network removed under it.
 */
import { createHash } from "node:crypto";
import type { SandboxEngine } from "../engine/engine";
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
  nameFor(learner: string): string {
    return `dojo-play-${createHash("sha256").update(`${this.instance}\n${learner}`).digest("hex").slice(0, 16)}`;
  }

  /** Labels every playground network of this instance carries. */
  selector(): Record<string, string> {
    return { ...instanceSelector(this.instance), [KIND_LABEL]: KIND };
  }

  /** Makes sure the learner's network exists; returns its name. */
  ensure(learner: string): Promise<string> {
    const name = this.nameFor(learner);
    return this.oneAtATime(learner, async () => {
      await this.engine.ensureNetwork({ name, labels: this.selector() });
      return name;
    });
  }

  /** Removes the learner's network if `stillNeeded()` says no machine is left (asked inside the queue). */
  release(learner: string, stillNeeded: () => boolean): Promise<void> {
    return this.oneAtATime(learner, async () => {
      if (!stillNeeded()) await this.engine.removeNetwork(this.nameFor(learner));
    });
  }

  /** Removes this instance's playground networks no container uses, made before `createdBefore`. */
  reap(createdBefore: Date): Promise<number> {
    return this.engine.removeUnusedNetworks(this.selector(), createdBefore);
  }

  private oneAtATime<T>(learner: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queue.get(learner) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queue.set(learner, next);
    const forget = () => {
      if (this.queue.get(learner) === next) this.queue.delete(learner);
    };
    next.then(forget, forget);
    return next;
  }
}
