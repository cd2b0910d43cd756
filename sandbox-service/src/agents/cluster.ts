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
import type { SeatSandboxState } from "../../../shared/protocol";
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

/** What one agent asks every other, and what each answers. */
export interface ClusterQuestions {
  /** The state of each sandbox of a workshop's learners that the asked agent holds, by learner id. */
  "workshop:sandboxes": { ask: { workshop: string }; answer: Record<string, SeatSandboxState> };
}

/**
 * How long an agent waits for the others' answers. An agent that died a moment ago still
 * counts as a member until the adapter's heartbeat gives up on it (10 s), and the adapter
 * then waits 5 s for its answer; past this limit the asker goes on without any answers
 * rather than hold a dashboard that long. Too short and a busy agent's answers are
 * dropped (its learners show no sandbox until their next row update).
 */
const ANSWER_WITHIN_MS = 1_500;

export interface Cluster {
  /** Whether other agents may exist (the PostgreSQL adapter is on). */
  readonly shared: boolean;
  /** Tells every other agent; nothing happens when there are none. */
  tell<E extends keyof ClusterEvents>(event: E, ...args: Parameters<ClusterEvents[E]>): void;
  /** Hears what other agents tell. */
  hear<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): void;
  /** Asks every other agent; resolves with the answers that came in time (none when alone). */
  ask<Q extends keyof ClusterQuestions>(question: Q, args: ClusterQuestions[Q]["ask"]): Promise<Array<ClusterQuestions[Q]["answer"]>>;
  /** Answers what other agents ask. */
  answer<Q extends keyof ClusterQuestions>(question: Q, answerer: (args: ClusterQuestions[Q]["ask"]) => Promise<ClusterQuestions[Q]["answer"]>): void;
  close(): Promise<void>;
}

/** Joins `io` to the other agents of DATABASE_URL (PostgreSQL), or stands alone (SQLite). */
export function joinCluster(io: ServiceServer, databaseUrl: string | null, log: Logger): Cluster {
  if (!databaseUrl || providerOf(databaseUrl) !== "postgresql") {
    return { shared: false, tell: () => undefined, hear: () => undefined, ask: async () => [], answer: () => undefined, close: async () => undefined };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // A database restart must not end the agent: the adapter reconnects, the log says so.
  pool.on("error", (error) => log.warn("the cluster's database connection failed; it reconnects", { error }));
  io.adapter(createAdapter(pool, { errorHandler: (error) => log.warn("cluster message failed", { error }) }));
  type Untyped = { serverSideEmit(event: string, ...args: unknown[]): void; on(event: string, listener: (...args: unknown[]) => void): void };
  const untyped = io as unknown as Untyped;
  return {
    shared: true,
    tell: (event, ...args) => untyped.serverSideEmit(event, ...args),
    hear: (event, listener) => untyped.on(event, listener as (...args: unknown[]) => void),
    ask: (question, args) =>
      new Promise((resolve) => {
        const giveUp = setTimeout(() => resolve([]), ANSWER_WITHIN_MS);
        untyped.serverSideEmit(question, args, (_error: unknown, answers: unknown) => {
          clearTimeout(giveUp);
          // An agent that failed to answer sends null.
          resolve(Array.isArray(answers) ? answers.filter((answer) => answer !== null && typeof answer === "object") : []);
        });
      }),
    answer: (question, answerer) =>
      untyped.on(question, (args, reply) => {
        if (typeof reply !== "function") return;
        answerer(args as Parameters<typeof answerer>[0]).then(
          (answer) => reply(answer),
          (error: unknown) => {
            log.warn("could not answer another agent", { question, error });
            reply(null);
          },
        );
      }),
    close: () => pool.end(),
  };
}
