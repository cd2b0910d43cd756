/**
 * Where a learner's sandbox goes: the web app's side of "many agents". Reads the agents'
 * register (shared/db/agents.ts), picks one (shared/placement.ts) and records the
 * placement, so the learner's next page goes back to the same agent while it lives. A
 * learner of a workshop pinned to agents (Workshop.agents) is placed only on those.
 */
import { liveAgents, placementOf, placementsSinceHeartbeat, recordPlacement, type AgentRecord } from "../shared/db/agents";
import type { Database } from "../shared/db/client";
import { chooseAgent } from "../shared/placement";

export interface Placement {
  agentId: string;
  /** Where browsers reach it; null: the page's own host with SANDBOX_PORT (one machine). */
  publicUrl: string | null;
}

async function candidates(db: Database, liveSeconds: number, now: Date): Promise<AgentRecord[]> {
  return liveAgents(db, new Date(now.getTime() - liveSeconds * 1000));
}

/** A pinned workshop's learner while none of its agents is live and open: the page shows this sentence and keeps asking. */
export class PinnedAgentsUnavailableError extends Error {
  constructor() {
    super("This workshop's machines are not available right now. This page keeps trying by itself; if it lasts, tell your instructor.");
    this.name = "PinnedAgentsUnavailableError";
  }
}

/**
 * The agent for this learner's sandbox of this lesson, recorded; null when no agent is
 * live (the platform is starting: the page connects to the sandbox service on its own host).
 * `pins`: the agents of the learner's workshop (empty: any); when none of them can take
 * the learner, PinnedAgentsUnavailableError (never another agent, nor the page's own host).
 */
export async function placeLearner(
  db: Database,
  learnerId: string,
  lesson: string,
  liveSeconds: number,
  pins: readonly string[] = [],
  now = new Date(),
): Promise<Placement | null> {
  const live = await candidates(db, liveSeconds, now);
  const [current, placedSince] = live.length === 0 ? [null, new Map<string, number>()] : await Promise.all([placementOf(db, learnerId, lesson), placementsSinceHeartbeat(db, live)]);
  const chosen = chooseAgent(
    live.map((agent) => ({ ...agent, placedSince: placedSince.get(agent.id) ?? 0 })),
    current,
    pins,
  );
  if (!chosen) {
    if (pins.length > 0) throw new PinnedAgentsUnavailableError();
    return null;
  }
  if (chosen !== current) await recordPlacement(db, learnerId, lesson, chosen, now);
  const agent = live.find((a) => a.id === chosen)!;
  return { agentId: agent.id, publicUrl: agent.publicUrl };
}

/** An agent for an instructor's dashboard: any live one hears every agent's workshop events (the cluster). */
export async function dashboardAgent(db: Database, liveSeconds: number, now = new Date()): Promise<Placement | null> {
  const live = await candidates(db, liveSeconds, now);
  const chosen = chooseAgent(live.map((agent) => ({ ...agent, placedSince: 0 })), null) ?? live[0]?.id;
  const agent = live.find((a) => a.id === chosen);
  return agent ? { agentId: agent.id, publicUrl: agent.publicUrl } : null;
}
