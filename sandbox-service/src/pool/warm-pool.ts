/**
 * Ready sandboxes waiting for a learner, per template. Each is a started, unclaimed
 * container with its shell already running, so a claim shows a prompt at once; claiming
 * one is O(1) and the pool refills in the background, one sandbox at a time, only while
 * the platform has room (waiting learners come first).
 *
 * Pool sandboxes carry no owner; the manager hands one over and writes the claim into its
 * name (sessions/claim-recorder.ts). After a restart the pool starts empty: the unclaimed
 * containers a previous run left are reaped, since one may have been handed over already.
 */
import type { Capacity } from "../sessions/capacity";
import type { PoolDemand } from "./pool-demand";
import { randomBytes } from "node:crypto";
import type { SandboxEngine } from "../engine/engine";
import type { Logger } from "../log/logger";
import { containerName, hostnameOf, sandboxLabels } from "../sessions/identity";
import type { TemplateCatalog } from "../templates/catalog";
import { createSandboxContainer } from "../templates/create";
import { waitUntilReady } from "../templates/readiness";
import { FIRST_SHELL_SIZE, Terminal } from "../terminal/terminal";

export interface PooledSandbox {
  id: string;
  template: string;
  short: string;
  createdAt: Date;
  /** Shell started while waiting; absent or exited means the claimer starts one. */
  shell?: Terminal;
}

export interface WarmPoolOptions {
  instance: string;
  /** Target number of ready sandboxes per template. */
  sizes: ReadonlyMap<string, number>;
  /** More wanted on top, now (workshops about to start). */
  demand?: PoolDemand;
  scrollbackBytes: number;
}


export class WarmPool {
  private readonly ready = new Map<string, PooledSandbox[]>();
  private readonly members = new Set<string>();
  private creating = 0;
  private filling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly templates: TemplateCatalog,
    private readonly options: WarmPoolOptions,
    /** Whether one more container fits on the platform now; the pool's own count goes into it. */
    private readonly capacity: Capacity,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    capacity.countHeld(() => this.size);
  }

  /** Containers the pool holds or is creating (they count toward the platform's capacity). */
  get size(): number {
    return this.members.size + this.creating;
  }

  readyCount(template: string): number {
    return this.ready.get(template)?.length ?? 0;
  }

  has(containerId: string): boolean {
    return this.members.has(containerId);
  }

  /** Takes a ready sandbox of this template, if any. The caller claims it (or removes it). */
  take(template: string): PooledSandbox | undefined {
    const entry = this.ready.get(template)?.shift();
    if (entry) this.members.delete(entry.id);
    return entry;
  }

  /** Forgets a member whose container is gone (found by reconcile). */
  drop(containerId: string): void {
    if (!this.members.delete(containerId)) return;
    for (const [template, entries] of this.ready) {
      const kept = entries.filter((entry) => entry.id !== containerId);
      for (const entry of entries) if (entry.id === containerId) entry.shell?.close();
      this.ready.set(template, kept);
    }
  }

  /** Whether the pool would take one more sandbox of this template. */
  wants(template: string): boolean {
    return this.readyCount(template) + this.creating < this.target(template);
  }

  target(template: string): number {
    return (this.options.sizes.get(template) ?? 0) + (this.options.demand?.of(template) ?? 0);
  }

  /**
   * Creates sandboxes until every template reaches its target or the platform is full.
   * Single-flight: concurrent calls share one run. Failures (engine down) end the run; the
   * next sweep tries again.
   */
  fill(): Promise<void> {
    this.filling ??= this.fillNow().finally(() => (this.filling = undefined));
    return this.filling;
  }

  /** Removes ready sandboxes beyond the target (a workshop they were kept for has ended). */
  async trim(): Promise<number> {
    let removed = 0;
    for (const [template, entries] of this.ready) {
      while (entries.length > this.target(template)) {
        const entry = entries.pop()!;
        this.members.delete(entry.id);
        entry.shell?.close();
        await this.engine.remove(entry.id).catch((error: unknown) => this.log.warn("could not remove a surplus pool sandbox", { id: entry.id.slice(0, 12), error }));
        removed++;
      }
    }
    return removed;
  }

  /** Closes pool shells; the containers stay and are re-adopted by the next start. */
  shutdown(): void {
    this.stopped = true;
    for (const entries of this.ready.values()) for (const entry of entries) entry.shell?.close();
    this.ready.clear();
    this.members.clear();
  }

  private async fillNow(): Promise<void> {
    for (const template of this.options.sizes.keys()) {
      while (!this.stopped && this.wants(template) && this.capacity.hasRoomToSpare()) {
        try {
          await this.createOne(template);
        } catch (error) {
          this.log.warn("could not refill the warm pool; will retry", { template, error });
          return;
        }
      }
    }
  }

  private async createOne(templateName: string): Promise<void> {
    const template = this.templates.get(templateName);
    if (!template) return;
    const short = randomBytes(4).toString("hex");
    const createdAt = new Date(this.now());
    this.creating++;
    try {
      const container = await createSandboxContainer(this.engine, template, {
        name: containerName({ template: templateName, short }),
        hostname: hostnameOf({ template: templateName, short }),
        labels: sandboxLabels(this.options.instance, templateName, createdAt),
      });
      const entry: PooledSandbox = { id: container.id, template: templateName, short, createdAt };
      try {
        await waitUntilReady(this.engine, container.id, template);
        entry.shell = await this.startShell(entry);
      } catch (error) {
        await this.engine.remove(container.id).catch(() => undefined);
        throw error;
      }
      if (this.stopped) {
        entry.shell.close();
        return;
      }
      this.members.add(entry.id);
      this.add(entry);
    } finally {
      this.creating--;
    }
  }

  private async startShell(entry: PooledSandbox): Promise<Terminal> {
    const template = this.templates.get(entry.template)!;
    const tty = await this.engine.openTty(entry.id, { ...template.shell, size: FIRST_SHELL_SIZE });
    return new Terminal(tty, FIRST_SHELL_SIZE, {
      scrollbackBytes: this.options.scrollbackBytes,
      reopen: (size) => this.engine.openTty(entry.id, { ...template.shell, size }),
    });
  }

  private add(entry: PooledSandbox): void {
    const list = this.ready.get(entry.template) ?? [];
    list.push(entry);
    this.ready.set(entry.template, list);
  }
}
