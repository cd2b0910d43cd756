/**
 * This agent in the platform's register (shared/db/agents.ts): it registers when it
 * starts, then heartbeats every AGENT_HEARTBEAT_SECONDS with its free places, and learns
 * from the register whether an operator is draining it. The web app places learners only
 * on agents with a recent heartbeat, so an agent that dies (or loses the database) is out
 * of placement within AGENT_LIVE_SECONDS, without anyone telling anyone.
 */
import { heartbeat, registerAgent } from "../../../shared/db/agents";
import type { Database } from "../../../shared/db/client";
import type { Logger } from "../log/logger";
import type { Capacity } from "../sessions/capacity";

export interface AgentPresenceOptions {
  id: string;
  publicUrl: string | null;
  heartbeatMs: number;
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
    } catch (error) {
      this.log.warn("could not report to the agents' register; trying again at the next heartbeat", { agent: this.options.id, error });
    }
  }

  private setDraining(draining: boolean): void {
    if (draining !== this.capacity.draining) this.log.info(draining ? "agent is draining: no new sandboxes" : "agent takes new sandboxes again", { agent: this.options.id });
    this.capacity.draining = draining;
  }
}
