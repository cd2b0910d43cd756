/**
 * This agent in the platform's register (shared/db/agents.ts): it registers when it
 * starts, then heartbeats every AGENT_HEARTBEAT_SECONDS with its free places, and learns
 * from the register whether an operator is draining it. The web app places learners only
 * on agents with a recent heartbeat, so an agent that dies (or loses the database) is out
 * of placement within AGENT_LIVE_SECONDS, without anyone telling anyone.
 */
import { heartbeat, liveAgents, registerAgent, type AgentRecord } from "../../../shared/db/agents";
import type { Database } from "../../../shared/db/client";
import type { DatabaseProvider } from "../../../shared/db/url";
import type { Logger } from "../log/logger";
import type { Capacity } from "../sessions/capacity";

export interface AgentPresenceOptions {
  id: string;
  publicUrl: string | null;
  heartbeatMs: number;
  /** DATABASE_URL's kind: on SQLite, other live agents in the register get a warning (sqliteSharedWarning). */
  provider: DatabaseProvider;
}

/**
 * The warning an agent on SQLite logs when the register lists other agents that
 * heartbeated within `liveMs` (null: none, or PostgreSQL). Only a warning, never a refusal
 * to start: the other row may be this very agent under its previous AGENT_ID (renamed,
 * then restarted within `liveMs`), or two agents on one SQLite file may be a developer's
 * try-out on one machine; refusing would keep a working agent down for a stale row. What
 * breaks on SQLite is the cluster (socket.io's PostgreSQL adapter is off): workshop events
 * and dashboards stop at each agent. The sentence names the fix.
 */
export function sqliteSharedWarning(
  provider: DatabaseProvider,
  self: string,
  agents: ReadonlyArray<Pick<AgentRecord, "id" | "heartbeatAt">>,
  now: number,
  liveMs: number,
): string | null {
  if (provider !== "sqlite") return null;
  const others = agents.filter((agent) => agent.id !== self && now - agent.heartbeatAt.getTime() <= liveMs).map((agent) => agent.id);
  if (others.length === 0) return null;
  return (
    `DATABASE_URL is a SQLite file, but other agents use it too (${others.join(", ")}, heartbeating within the last ${Math.round(liveMs / 1000)} s). ` +
    "More than one agent needs PostgreSQL: without it the agents cannot tell each other about workshops, so instructors' dashboards miss learners placed on the others. " +
    'Set DATABASE_URL=postgresql://… for the web app and every agent (README, "Many machines"), or run one agent only.'
  );
}

/**
 * How long another agent counts as live, as one agent sees it: three of its heartbeats
 * (agents beat at the same rate), so one late beat on a busy machine does not drop it.
 */
export function otherAgentLiveMs(heartbeatMs: number): number {
  return 3 * heartbeatMs;
}

export class AgentPresence {
  private timer: NodeJS.Timeout | undefined;
  private registered = false;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly capacity: Capacity,
    private readonly options: AgentPresenceOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers (or tries to: a database that is away is tried again at each heartbeat) and starts heartbeating. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Stops heartbeating; the register takes the agent out of placement once it is silent long enough. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  /** One heartbeat, or the registration when there is none yet (or the row went). Never rejects. */
  beat(): Promise<void> {
    this.beating ??= this.report().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async report(): Promise<void> {
    const at = new Date(this.now());
    try {
      const answer = this.registered ? await heartbeat(this.database, this.options.id, this.capacity.free, at) : null;
      if (answer) return this.setDraining(answer.draining);
      const row = await registerAgent(
        this.database,
        { id: this.options.id, publicUrl: this.options.publicUrl, capacity: this.capacity.maxTotal, freePlaces: this.capacity.free },
        at,
      );
      this.registered = true;
      this.log.info("agent registered", { agent: row.id, publicUrl: row.publicUrl ?? "(the page's host)", capacity: row.capacity });
      this.setDraining(row.draining);
      await this.warnIfSharingSqlite(at.getTime());
    } catch (error) {
      this.log.warn("could not report to the agents' register; trying again at the next heartbeat", { agent: this.options.id, error });
    }
  }

  /** After each registration: another agent beating in the same SQLite register is a set-up PostgreSQL is needed for. */
  private async warnIfSharingSqlite(now: number): Promise<void> {
    if (this.options.provider !== "sqlite") return;
    const liveMs = otherAgentLiveMs(this.options.heartbeatMs);
    try {
      const warning = sqliteSharedWarning(this.options.provider, this.options.id, await liveAgents(this.database, new Date(now - liveMs)), now, liveMs);
      if (warning) this.log.warn(warning, { agent: this.options.id });
    } catch {
      // Only a check: the heartbeat goes on, and the next registration looks again.
    }
  }

  private setDraining(draining: boolean): void {
    if (draining !== this.capacity.draining) this.log.info(draining ? "agent is draining: no new sandboxes" : "agent takes new sandboxes again", { agent: this.options.id });
    this.capacity.draining = draining;
  }
}
