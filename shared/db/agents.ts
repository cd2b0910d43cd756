/**
 * The agents' register and where learners' sandboxes are placed. Agents (sandbox-service
 * processes, one per Docker engine) register and heartbeat; the web app reads the live ones
 * and records each placement. Shared by both processes.
 */
import type { Database } from "./client";

export interface AgentRecord {
  id: string;
  publicUrl: string | null;
  capacity: number;
  freePlaces: number;
  draining: boolean;
  startedAt: Date;
  heartbeatAt: Date;
}

/** An agent (re)starting: its row is written afresh, except `draining`, which is the operator's. */
export async function registerAgent(db: Database, agent: { id: string; publicUrl: string | null; capacity: number; freePlaces: number }, now: Date): Promise<AgentRecord> {
  return db.agent.upsert({
    where: { id: agent.id },
    create: { ...agent, startedAt: now, heartbeatAt: now },
    update: { publicUrl: agent.publicUrl, capacity: agent.capacity, freePlaces: agent.freePlaces, startedAt: now, heartbeatAt: now },
  });
}

/** The agent is alive with this many free places; answers whether it is draining (null: its row is gone, register again). */
export async function heartbeat(db: Database, id: string, freePlaces: number, now: Date): Promise<{ draining: boolean } | null> {
  const updated = await db.agent.updateMany({ where: { id }, data: { freePlaces, heartbeatAt: now } });
  if (updated.count === 0) return null;
  const row = await db.agent.findUnique({ where: { id }, select: { draining: true } });
  return row && { draining: row.draining };
}

/** An operator drains an agent (no new sandboxes) or puts it back. False when there is no such agent. */
export async function setDraining(db: Database, id: string, draining: boolean): Promise<boolean> {
  return (await db.agent.updateMany({ where: { id }, data: { draining } })).count > 0;
}

export async function allAgents(db: Database): Promise<AgentRecord[]> {
  return db.agent.findMany({ orderBy: { id: "asc" } });
}

/** Agents that heartbeated since `since`. */
export async function liveAgents(db: Database, since: Date): Promise<AgentRecord[]> {
  return db.agent.findMany({ where: { heartbeatAt: { gte: since } }, orderBy: { id: "asc" } });
}

/** The agent a learner's sandbox for a lesson was placed on, if any. */
export async function placementOf(db: Database, learnerId: string, lesson: string): Promise<string | null> {
  return (await db.placement.findUnique({ where: { learnerId_lesson: { learnerId, lesson } }, select: { agentId: true } }))?.agentId ?? null;
}

/**
 * Where else a learner's sandbox is: their most recent placement for one of `lessons` on a
 * live agent other than `here` (null: none, or it is here). A dashboard on one agent sends
 * an instructor there to watch that learner's terminal.
 */
export async function placedElsewhere(
  db: Database,
  learnerId: string,
  lessons: readonly string[],
  here: string,
  liveSince: Date,
): Promise<{ agentId: string; publicUrl: string | null } | null> {
  const row = await db.placement.findFirst({
    where: { learnerId, lesson: { in: [...lessons] }, agentId: { not: here }, agent: { heartbeatAt: { gte: liveSince } } },
    orderBy: { placedAt: "desc" },
    select: { agent: { select: { id: true, publicUrl: true } } },
  });
  return row && { agentId: row.agent.id, publicUrl: row.agent.publicUrl };
}

export async function recordPlacement(db: Database, learnerId: string, lesson: string, agentId: string, now: Date): Promise<void> {
  await db.placement.upsert({
    where: { learnerId_lesson: { learnerId, lesson } },
    create: { learnerId, lesson, agentId, placedAt: now },
    update: { agentId, placedAt: now },
  });
}

/** Per agent, placements made after its last heartbeat: sandboxes its free places do not count yet. */
export async function placementsSinceHeartbeat(db: Database, agents: AgentRecord[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(
    agents.map(async (agent) => {
      counts.set(agent.id, await db.placement.count({ where: { agentId: agent.id, placedAt: { gt: agent.heartbeatAt } } }));
    }),
  );
  return counts;
}
