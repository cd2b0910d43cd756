/**
 * The agents of one platform as a cluster, for what must cross machines: workshop events
 * (a learner's pass on agent B reaches the dashboard connected through agent A) and the
 * agents telling each other about workshops (passes, ends, dashboard rows). Terminal
 * bytes never travel this way: a browser talks to the agent that holds its sandbox.
 *
 * With PostgreSQL, socket.io's PostgreSQL adapter (LISTEN/NOTIFY on the database the
 * platform already runs) joins every agent's socket.io server. With SQLite there is one
 * agent, and the cluster is just this process.
 */
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import { providerOf } from "../../../shared/db/url";
import type { Logger } from "../log/logger";
import type { ServiceServer } from "../socket/handlers";

/** What one agent tells the others. */
export interface ClusterEvents {
  /** A seated learner's page connected to this agent (the others load the seat, for their counts). */
  "workshop:seated": (seated: { workshop: string; learner: string }) => void;
  /** A learner passed a step (recorded by the agent that ran the check). */
  "workshop:passed": (passed: { workshop: string; learner: string; lesson: string; step: string; at: string }) => void;
  /** A workshop was ended through this agent: the others remove their sandboxes of it. */
  "workshop:ended": (ended: { workshop: string }) => void;
}

export interface Cluster {
  /** Whether other agents may exist (the PostgreSQL adapter is on). */
  readonly shared: boolean;
  /** Tells every other agent; nothing happens when there are none. */
  tell<E extends keyof ClusterEvents>(event: E, ...args: Parameters<ClusterEvents[E]>): void;
  /** Hears what other agents tell. */
  hear<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): void;
  close(): Promise<void>;
}

/** Joins `io` to the other agents of DATABASE_URL (PostgreSQL), or stands alone (SQLite). */
export function joinCluster(io: ServiceServer, databaseUrl: string | null, log: Logger): Cluster {
  if (!databaseUrl || providerOf(databaseUrl) !== "postgresql") {
    return { shared: false, tell: () => undefined, hear: () => undefined, close: async () => undefined };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // A database restart must not end the agent: the adapter reconnects, the log says so.
  pool.on("error", (error) => log.warn("the cluster's database connection failed; it reconnects", { error }));
  io.adapter(createAdapter(pool, { errorHandler: (error) => log.warn("cluster message failed", { error }) }));
  const untyped = io as unknown as { serverSideEmit(event: string, ...args: unknown[]): void; on(event: string, listener: (...args: unknown[]) => void): void };
  return {
    shared: true,
    tell: (event, ...args) => untyped.serverSideEmit(event, ...args),
    hear: (event, listener) => untyped.on(event, listener as (...args: unknown[]) => void),
    close: () => pool.end(),
  };
}
