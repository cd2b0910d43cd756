/**
 * The web app's part in a workshop's start, in a process of its own: seating learners
 * (joinWorkshop, as app/api/workshops/join does) in the benchmark's database, on request
 * over IPC. Not in the benchmark's process: the SQLite driver is synchronous, so waiting
 * for a lock the sandbox service holds blocks the whole process, as it would block the
 * web app, and must not stop the simulated browsers' clock.
 *
 * Started by join-process.ts as `node --import tsx bench/support/join-child.ts` with
 * DATABASE_URL set.
 */
import { createDatabase } from "../../shared/db/client";
import { seat } from "./workshop-fixture";

export type JoinRequest = { id: number; type: "seat"; code: string; learnerId: string; displayName: string };
export type JoinAnswer =
  | { type: "ready" }
  | { id: number; type: "seated"; ms: number; errors: string[] }
  | { id: number; type: "failed"; message: string };

const send = (message: JoinAnswer) => process.send?.(message);
const url = process.env.DATABASE_URL;
if (!url) throw new Error("join-child: DATABASE_URL is not set");
const db = createDatabase(url);

process.on("message", (request: JoinRequest) => {
  seat(db, { code: request.code }, request.learnerId, request.displayName).then(
    (seated) => send({ id: request.id, type: "seated", ms: seated.ms, errors: seated.errors }),
    (error: unknown) => send({ id: request.id, type: "failed", message: error instanceof Error ? error.message : String(error) }),
  );
});
// The benchmark died or is done: do not linger.
process.once("disconnect", () => void db.$disconnect().finally(() => process.exit(0)));
send({ type: "ready" });
