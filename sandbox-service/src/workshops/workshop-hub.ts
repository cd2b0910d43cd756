/**
 * Live workshops in the service: the dashboards' state (one WorkshopRoom each, loaded from
 * the database on first use), the learner events that move it, messages, shadowing,
 * ending, and how many sandboxes to keep warm for workshops about to start.
 *
 * Socket.io rooms: `dashboard:<workshop>` (instructors watching), `workshop:<workshop>`
 * (its learners' sockets), `workshop:<workshop>:<learner>` (one learner's sockets).
 */
import type { Cluster } from "../agents/cluster";
import type { PoolDemand } from "../pool/pool-demand";
import type { ServiceServer, ServiceSocket } from "../socket/handlers";
import {
  EVENTS,
  type DashboardRow,
  type DashboardSnapshot,
  type DashboardWarmup,
  type SeatSandboxState,
  type ShadowMoved,
  type ShadowOpened,
  type WorkshopMessageEvent,
} from "../../../shared/protocol";
import { placedElsewhere } from "../../../shared/db/agents";
import type { Database } from "../../../shared/db/client";
import {
  addMessage,
  endWorkshop,
  findWorkshop,
  messagesFor,
  overdueWorkshops,
  seatOf,
  seatsOf,
  upcomingWorkshops,
  workshopCompletions,
  type Workshop,
  type WorkshopMessage,
} from "../../../shared/db/workshops";
import { loadLessons } from "../../../shared/lessons/loader";
import type { SandboxClaims } from "../../../shared/token";
import type { Logger } from "../log/logger";
import type { WarmPool } from "../pool/warm-pool";
import type { PlatformRegistry } from "../registry/platform-registry";
import { UserFacingError } from "../user-facing-error";
import { SandboxState, type Sandbox } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";
import type { Terminal, TerminalViewer } from "../terminal/terminal";
import { WorkshopRoom, type LessonOutline } from "./workshop-room";

/** Keystrokes move "last activity" on the dashboard at most this often per learner. */
const ACTIVITY_EVERY_MS = 2_000;

export const dashboardRoom = (workshop: string) => `dashboard:${workshop}`;
export const workshopRoom = (workshop: string) => `workshop:${workshop}`;
export const learnerRoom = (workshop: string, learner: string) => `workshop:${workshop}:${learner}`;

export interface WorkshopHubOptions {
  /** Sandboxes are kept warm for a workshop from this long before it opens. */
  prewarmLeadMs: number;
  lessonsDir?: string;
  /** This agent, and how recent another agent's heartbeat must be to send a dashboard there. */
  agent?: { id: string; liveMs: number };
}

export class WorkshopHub {
  private readonly rooms = new Map<string, Promise<WorkshopRoom | null>>();
  private readonly lastActivitySent = new Map<string, number>();
  /** Sandboxes wanted per template for workshops open or about to open (refreshed each sweep). */
  /**
   * Workshops open or about to open. `arrived`: learners who have come (connected, or hold
   * a sandbox) and so need no pooled sandbox kept for them any more.
   */
  private upcoming: Array<Workshop & { template: string; arrived: Set<string> }> = [];
  /** Dashboards watching a learner's terminal, per workshop, so ending the workshop can stop them. */
  private readonly shadows = new Map<string, Map<string, { terminal: Terminal; viewer: TerminalViewer }>>();

  constructor(
    private readonly io: ServiceServer,
    private readonly manager: SandboxManager,
    private readonly pool: WarmPool,
    /** Where the hub says how many warm sandboxes workshops about to open want (the pool reads it). */
    private readonly demand: PoolDemand,
    private readonly registry: PlatformRegistry,
    /** The other agents: passes and ends made there reach this hub's rooms. */
    private readonly cluster: Cluster,
    private readonly database: Database | null,
    private readonly options: WorkshopHubOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Rows and counts an agent sends reach every agent's dashboards (the adapter); what the
    // others hear here keeps their rooms whole, so the counts each of them sends stay right.
    cluster.hear("workshop:seated", ({ workshop, learner }) => {
      this.seatedRoom(workshop, learner, { announce: false }).catch((error: unknown) => this.log.warn("could not seat a learner of another agent", { workshop, error }));
    });
    cluster.hear("workshop:passed", ({ workshop, learner, lesson, step, at }) => {
      this.seatedRoom(workshop, learner, { announce: false }).then(
        (room) => void room?.passed(learner, lesson, step, new Date(at)),
        (error: unknown) => this.log.warn("could not count another agent's pass", { workshop, error }),
      );
    });
    cluster.hear("workshop:ended", ({ workshop }) => {
      this.endHere(workshop, false).catch((error: unknown) => this.log.warn("could not end this agent's part of a workshop", { workshop, error }));
    });
    cluster.answer("workshop:sandboxes", async ({ workshop }) => {
      const room = await this.loaded(workshop);
      const held: Record<string, SeatSandboxState> = {};
      if (room) for (const learner of room.learnerIds) if (this.sandboxOf(room, learner)) held[learner] = this.sandboxState(room, learner);
      return held;
    });
    manager.on("provisioned", (sandbox) => this.sandboxChanged(sandbox));
    manager.on("ended", (sandbox) => this.sandboxChanged(sandbox));
    manager.on("frozen", (sandbox) => this.sandboxChanged(sandbox));
    manager.on("thawed", (sandbox) => this.sandboxChanged(sandbox));
  }

  // ——— learners ———

  /** A learner's lesson page connected: it hears the workshop's announcements and its own hints. */
  async learnerConnected(socket: ServiceSocket, claims: SandboxClaims): Promise<void> {
    if (!claims.workshop || !this.database) return;
    const room = await this.seatedRoom(claims.workshop, claims.sub, { announce: true });
    if (!room) return;
    this.cluster.tell("workshop:seated", { workshop: claims.workshop, learner: claims.sub });
    // One fewer sandbox to keep warm, now rather than at the next sweep, so the pool does
    // not refill the place this learner is about to take from it.
    const upcoming = this.upcoming.find((w) => w.id === claims.workshop);
    if (upcoming && !upcoming.arrived.has(claims.sub)) {
      upcoming.arrived.add(claims.sub);
      this.recomputeDemand();
    }
    await socket.join([workshopRoom(claims.workshop), learnerRoom(claims.workshop, claims.sub)]);
    for (const message of await messagesFor(this.database, claims.workshop, claims.sub)) {
      socket.emit(EVENTS.workshopMessage, messageEvent(message));
    }
    room.active(claims.sub, claims.lesson, new Date(this.now()));
    this.sendRow(room, claims.sub);
  }

  attached(claims: SandboxClaims): void {
    if (!claims.workshop) return;
    this.withRoom(claims.workshop, (room) => {
      if (!room.has(claims.sub)) return;
      room.active(claims.sub, claims.lesson, new Date(this.now()));
      this.sendRow(room, claims.sub);
    });
  }

  typed(claims: SandboxClaims): void {
    if (!claims.workshop) return;
    const key = `${claims.workshop}/${claims.sub}`;
    const now = this.now();
    if (now - (this.lastActivitySent.get(key) ?? 0) < ACTIVITY_EVERY_MS) return;
    this.lastActivitySent.set(key, now);
    this.withRoom(claims.workshop, (room) => {
      if (!room.has(claims.sub)) return;
      room.active(claims.sub, claims.lesson, new Date(now));
      this.sendRow(room, claims.sub);
    });
  }

  passed(claims: SandboxClaims, step: string): void {
    if (!claims.workshop) return;
    const at = new Date(this.now());
    const workshop = claims.workshop;
    this.withRoom(workshop, (room) => {
      if (!room.passed(claims.sub, claims.lesson, step, at)) return;
      this.sendRow(room, claims.sub);
      this.io.to(dashboardRoom(room.workshop.id)).emit(EVENTS.workshopCounts, room.counts());
      // The other agents' rooms count it too, so the counts any of them sends stay right.
      this.cluster.tell("workshop:passed", { workshop, learner: claims.sub, lesson: claims.lesson, step, at: at.toISOString() });
    });
  }

  /** A tab closed: the sandbox may now be idle. */
  disconnected(claims: SandboxClaims): void {
    if (!claims.workshop) return;
    this.withRoom(claims.workshop, (room) => room.has(claims.sub) && this.sendRow(room, claims.sub));
  }

  // ——— instructors ———

  async snapshot(workshopId: string): Promise<DashboardSnapshot> {
    const room = await this.requireRoom(workshopId);
    const { workshop } = room;
    return {
      workshop: {
        id: workshop.id,
        title: workshop.title,
        code: workshop.code,
        capacity: workshop.capacity,
        opensAt: workshop.opensAt.toISOString(),
        closesAt: workshop.closesAt.toISOString(),
        endedAt: workshop.endedAt?.toISOString() ?? null,
      },
      lessons: room.lessons.map(({ slug, title, steps }) => ({ slug, title, steps })),
      images: await this.registry.availability([...new Set(room.lessons.flatMap((l) => l.images))]),
      rows: await this.rowsOnEveryAgent(room),
      counts: room.counts(),
      warmup: this.warmup(room),
    };
  }

  async announce(workshopId: string, text: string): Promise<void> {
    const room = await this.requireOpenRoom(workshopId);
    const message = await addMessage(this.database!, { workshopId, learnerId: null, text }, new Date(this.now()));
    this.io.to(workshopRoom(room.workshop.id)).emit(EVENTS.workshopMessage, messageEvent(message));
  }

  async hint(workshopId: string, learnerId: string, text: string): Promise<void> {
    const room = await this.requireOpenRoom(workshopId);
    if (!room.has(learnerId)) throw new UserFacingError("not_found", "That learner is not in this workshop.");
    const message = await addMessage(this.database!, { workshopId, learnerId, text }, new Date(this.now()));
    this.io.to(learnerRoom(workshopId, learnerId)).emit(EVENTS.workshopMessage, messageEvent(message));
  }

  /**
   * Starts showing a learner's terminal to an observer. Read-only by construction: the
   * observer is never given a way to write, and its window size is not taken into account.
   * Only while the workshop runs: once it has ended, its learners' terminals are their own
   * again (one who opens the lesson later is not watched), and `end` stops every shadow.
   * `stop` ends this one.
   */
  async shadow(workshopId: string, learnerId: string, observerFor: (terminal: Terminal) => TerminalViewer): Promise<{ opened: ShadowOpened | ShadowMoved; stop: () => void }> {
    const room = await this.requireRoom(workshopId);
    if (this.hasEnded(room)) throw new UserFacingError("forbidden", "This workshop has ended, so its learners' terminals can no longer be watched.");
    // A seat taken after the room was loaded, by a learner on another agent, is read now.
    if (!(await this.seatedRoom(workshopId, learnerId, { announce: false }))) throw new UserFacingError("not_found", "That learner is not in this workshop.");
    const sandbox = this.sandboxOf(room, learnerId);
    const terminal = sandbox?.terminals.get("main");
    if (!sandbox) {
      // On another agent (several machines): the dashboard watches from there, so the
      // terminal's bytes never cross between agents.
      const elsewhere = await this.placedElsewhere(room, learnerId);
      if (elsewhere) return { opened: { moved: elsewhere }, stop: () => undefined };
    }
    if (!sandbox || !terminal?.isOpen) {
      throw new UserFacingError("not_found", `${room.displayName(learnerId)} has no terminal open right now.`);
    }
    const observer = observerFor(terminal);
    const shadows = this.shadows.get(workshopId) ?? new Map<string, { terminal: Terminal; viewer: TerminalViewer }>();
    this.shadows.set(workshopId, shadows);
    const forget = () => {
      if (shadows.get(observer.id)?.viewer !== viewer) return;
      shadows.delete(observer.id);
      if (shadows.size === 0) this.shadows.delete(workshopId);
    };
    const viewer: TerminalViewer = {
      id: observer.id,
      output: (offset, data) => observer.output(offset, data),
      exited: (message) => {
        forget();
        observer.exited(message);
      },
    };
    shadows.get(observer.id)?.terminal.unobserve(observer.id);
    shadows.set(observer.id, { terminal, viewer });
    const replay = terminal.observe(viewer);
    return {
      opened: { hostname: sandbox.hostname, lesson: sandbox.session, instance: terminal.instance, offset: replay.offset, data: replay.data },
      stop: () => {
        if (shadows.get(observer.id)?.viewer !== viewer) return;
        terminal.unobserve(observer.id);
        forget();
      },
    };
  }

  /**
   * Ends the workshop (by its instructor, or at its closing time): joining closes, every
   * learner's sandbox for its lessons is removed — on every agent: the others hear it
   * through the cluster and remove theirs (endHere without telling anyone again).
   */
  async end(workshopId: string): Promise<{ removed: number }> {
    await this.requireRoom(workshopId);
    await endWorkshop(this.database!, workshopId, new Date(this.now()));
    const ended = await this.endHere(workshopId, true);
    this.cluster.tell("workshop:ended", { workshop: workshopId });
    return ended;
  }

  /** This agent's part of ending a workshop; `announce`: tell its learners and dashboards (once, by the agent that ended it). */
  private async endHere(workshopId: string, announce: boolean): Promise<{ removed: number }> {
    const room = await this.requireRoom(workshopId);
    room.workshop.endedAt ??= new Date(this.now());
    const doomed = this.manager.list().filter((s) => room.has(s.owner.learner) && room.teaches(s.session));
    // Nobody watches a learner of an ended workshop, whatever happens to their sandbox.
    for (const { terminal, viewer } of this.shadows.get(workshopId)?.values() ?? []) {
      terminal.unobserve(viewer.id);
      viewer.exited("The workshop has ended, so watching has stopped.");
    }
    this.shadows.delete(workshopId);
    // Learners hear it before their sandboxes go, so their page explains what happened.
    // (Rooms span every agent: one announcement reaches learners and dashboards everywhere.)
    if (announce) {
      this.io.to(workshopRoom(workshopId)).emit(EVENTS.workshopEnded, { message: "The workshop has ended. Thank you for taking part!" });
      this.io.to(dashboardRoom(workshopId)).emit(EVENTS.workshopEnded, { message: "This workshop has ended." });
    }
    await Promise.all(doomed.map((sandbox) => this.manager.remove(sandbox, "workshop-ended")));
    this.log.info("workshop ended", { workshop: workshopId, removed: doomed.length });
    this.upcoming = this.upcoming.filter((w) => w.id !== workshopId);
    this.recomputeDemand();
    return { removed: doomed.length };
  }

  // ——— warm sandboxes ———


  /** Ends workshops past their closing time, re-reads which are near (each sweep), and tells dashboards how warm they are. */
  async refresh(): Promise<void> {
    if (!this.database) return;
    const now = new Date(this.now());
    for (const id of await overdueWorkshops(this.database, now)) await this.end(id);
    // A workshop pinned to other agents is theirs to warm: its learners are never placed here.
    const ours = (w: { agents: string[] }) => w.agents.length === 0 || !this.options.agent || w.agents.includes(this.options.agent.id);
    const near = (await upcomingWorkshops(this.database, now, this.options.prewarmLeadMs)).filter(ours);
    // Lesson files are read only when some workshop is near (for its first lesson's template).
    const lessons = near.length > 0 ? await loadLessons(this.options.lessonsDir) : [];
    const templateOf = (slug: string | undefined) => lessons.find((l) => l.meta.slug === slug)?.meta.template ?? "shell";
    const before = new Map(this.upcoming.map((w) => [w.id, w.arrived]));
    const sandboxes = this.manager.list().filter((s) => s.state !== SandboxState.Gone);
    this.upcoming = near.map(({ seated, ...w }) => {
      const arrived = before.get(w.id) ?? new Set<string>();
      for (const s of sandboxes) if (seated.includes(s.owner.learner) && w.lessons.includes(s.session)) arrived.add(s.owner.learner);
      return { ...w, template: templateOf(w.lessons[0]), arrived };
    });
    this.recomputeDemand();
    for (const [id, loading] of this.rooms) {
      const room = await loading;
      if (room) this.io.to(dashboardRoom(id)).emit(EVENTS.workshopWarmup, this.warmup(room));
    }
  }

  private recomputeDemand(): void {
    const demand = new Map<string, number>();
    for (const workshop of this.upcoming) {
      const waiting = Math.max(0, workshop.capacity - workshop.arrived.size);
      demand.set(workshop.template, (demand.get(workshop.template) ?? 0) + waiting);
    }
    this.demand.set(demand);
  }

  private warmup(room: WorkshopRoom): DashboardWarmup {
    const target = room.workshop.capacity;
    const withSandbox = room.learnerIds.filter((id) => ["ready", "idle", "paused", "starting"].includes(this.sandboxState(room, id))).length;
    const template = this.upcoming.find((w) => w.id === room.workshop.id)?.template;
    const pooled = template ? this.pool.readyCount(template) : 0;
    return { ready: Math.min(target, withSandbox + pooled), target };
  }

  // ——— internals ———

  private sandboxChanged(sandbox: Sandbox): void {
    for (const id of this.rooms.keys()) {
      this.withRoom(id, (room) => {
        if (room.has(sandbox.owner.learner) && room.teaches(sandbox.session)) this.sendRow(room, sandbox.owner.learner);
      });
    }
  }

  /**
   * Runs a dashboard update for a loaded (or loadable) workshop. Fire and forget: a
   * database that fails here costs the dashboard an update, never the service its life.
   */
  private withRoom(workshopId: string, update: (room: WorkshopRoom) => void): void {
    this.loaded(workshopId).then(
      (room) => room && update(room),
      (error: unknown) => this.log.warn("could not update a workshop's dashboard", { workshop: workshopId, error }),
    );
  }

  private sendRow(room: WorkshopRoom, learnerId: string): void {
    const row = this.rowOf(room, learnerId);
    if (row) this.io.to(dashboardRoom(room.workshop.id)).emit(EVENTS.workshopRow, row);
  }

  private rowOf(room: WorkshopRoom, learnerId: string): DashboardRow | undefined {
    return room.row(learnerId, this.sandboxState(room, learnerId));
  }

  /**
   * Every learner's row, with the sandboxes other agents hold: later changes reach the
   * dashboard as rows from those agents, but the first picture must not show their
   * learners as having none.
   */
  private async rowsOnEveryAgent(room: WorkshopRoom): Promise<DashboardRow[]> {
    const elsewhere = new Map<string, SeatSandboxState>();
    for (const held of await this.cluster.ask("workshop:sandboxes", { workshop: room.workshop.id })) {
      for (const [learner, state] of Object.entries(held)) if (room.has(learner)) elsewhere.set(learner, state);
    }
    return room.learnerIds.flatMap((id) => {
      const here = this.sandboxOf(room, id) ? this.sandboxState(room, id) : undefined;
      const row = room.row(id, here ?? elsewhere.get(id) ?? this.sandboxState(room, id));
      return row ? [row] : [];
    });
  }

  /** The live agent holding this learner's sandbox of the workshop, when it is not this one. */
  private async placedElsewhere(room: WorkshopRoom, learnerId: string): Promise<ShadowMoved["moved"] | null> {
    if (!this.database || !this.options.agent) return null;
    const { id, liveMs } = this.options.agent;
    const found = await placedElsewhere(this.database, learnerId, room.workshop.lessons, id, new Date(this.now() - liveMs));
    return found?.publicUrl ? { agent: found.agentId, url: found.publicUrl } : null;
  }

  /** The learner's sandbox for the lesson they are on, or else for any of the workshop's lessons. */
  private sandboxOf(room: WorkshopRoom, learnerId: string): Sandbox | undefined {
    const theirs = this.manager.list().filter((s) => s.owner.learner === learnerId && room.teaches(s.session) && s.state !== SandboxState.Gone);
    return theirs.find((s) => s.session === room.currentLesson(learnerId)) ?? theirs[0];
  }

  private sandboxState(room: WorkshopRoom, learnerId: string): SeatSandboxState {
    const sandbox = this.sandboxOf(room, learnerId);
    if (!sandbox) return room.currentLesson(learnerId) === null ? "none" : "gone";
    if (sandbox.state === SandboxState.Creating) return "starting";
    if (sandbox.state !== SandboxState.Ready) return "gone";
    if (sandbox.frozen) return "paused";
    return sandbox.attached.size > 0 ? "ready" : "idle";
  }

  private loaded(workshopId: string): Promise<WorkshopRoom | null> {
    let loading = this.rooms.get(workshopId);
    if (!loading) {
      loading = this.load(workshopId).catch((error: unknown) => {
        this.rooms.delete(workshopId);
        throw error;
      });
      this.rooms.set(workshopId, loading);
    }
    return loading;
  }

  private async load(workshopId: string): Promise<WorkshopRoom | null> {
    if (!this.database) return null;
    const workshop = await findWorkshop(this.database, workshopId);
    if (!workshop) return null;
    const lessons = await loadLessons(this.options.lessonsDir);
    const outlines: LessonOutline[] = workshop.lessons.flatMap((slug) => {
      const lesson = lessons.find((l) => l.meta.slug === slug);
      return lesson ? [{ slug, title: lesson.meta.title, steps: lesson.meta.steps.map((s) => ({ id: s.id, title: s.title })), images: lesson.meta.images }] : [];
    });
    const room = new WorkshopRoom(workshop, outlines);
    for (const seat of await seatsOf(this.database, workshopId)) room.seat(seat);
    for (const completion of await workshopCompletions(this.database, workshop)) {
      room.passed(completion.learnerId, completion.lesson, completion.step, completion.passedAt);
    }
    return room;
  }

  /**
   * The room, with this learner's seat loaded (they may have joined after it was loaded);
   * `announce`: tell the dashboards about a seat new here (not when another agent already did).
   */
  private async seatedRoom(workshopId: string, learnerId: string, { announce }: { announce: boolean }): Promise<WorkshopRoom | null> {
    const room = await this.loaded(workshopId);
    if (!room) return null;
    if (!room.has(learnerId)) {
      const seat = await seatOf(this.database!, workshopId, learnerId);
      if (!seat) return null;
      room.seat(seat);
      if (!announce) return room;
      this.sendRow(room, learnerId);
      this.io.to(dashboardRoom(workshopId)).emit(EVENTS.workshopCounts, room.counts());
    }
    return room;
  }

  private async requireRoom(workshopId: string): Promise<WorkshopRoom> {
    const room = await this.loaded(workshopId);
    if (!room) throw new UserFacingError("not_found", "This workshop does not exist.");
    return room;
  }

  private async requireOpenRoom(workshopId: string): Promise<WorkshopRoom> {
    const room = await this.requireRoom(workshopId);
    if (this.hasEnded(room)) throw new UserFacingError("forbidden", "This workshop has ended.");
    return room;
  }

  /** Ended by its instructor, or past its closing time (the next sweep ends it for good). */
  private hasEnded(room: WorkshopRoom): boolean {
    return room.workshop.endedAt !== null || room.workshop.closesAt.getTime() <= this.now();
  }
}

function messageEvent(message: WorkshopMessage): WorkshopMessageEvent {
  return { id: message.id, kind: message.learnerId === null ? "announcement" : "hint", text: message.text, at: message.at.toISOString() };
}
