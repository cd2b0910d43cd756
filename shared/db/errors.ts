/** Prisma's "unique constraint failed" (P2002): the row is already there. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** Prisma's codes for "the database is not there right now" (unreachable, timed out, connection closed, pool exhausted, a write conflict to retry). */
const TRANSIENT_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2034"]);
/** The driver adapters' error kinds for the same (SQLite's SQLITE_BUSY, after its busy timeout, is a "SocketTimeout"). */
const TRANSIENT_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionWriteConflict"]);
/**
 * PostgreSQL's SQLSTATEs for a server going away or not accepting yet: connection
 * exceptions (class 08), shutting down (57P01 admin, 57P02 crash), starting up (57P03),
 * too many connections (53300), and serialization failures or deadlocks (40001, 40P01).
 */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;

interface PrismaLikeError {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
  cause?: { kind?: unknown; code?: unknown };
}

/**
 * True when a query failed because the database is away or busy (a restart, a network
 * blip, a lock), so the same query can succeed later; false for errors retrying cannot
 * fix (a constraint, a missing table).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as PrismaLikeError | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && TRANSIENT_PRISMA_CODES.has(e.code)) return true;
  const cause = e.meta?.driverAdapterError?.cause ?? e.cause;
  if (typeof cause?.kind === "string" && TRANSIENT_ADAPTER_KINDS.has(cause.kind)) return true;
  if (cause?.kind === "postgres" && typeof cause.code === "string" && TRANSIENT_SQLSTATE.test(cause.code)) return true;
  // node-postgres's own words when the server drops a connection mid-query.
  return typeof e.message === "string" && /Connection terminated|terminating connection|ECONNREFUSED|ECONNRESET/.test(e.message);
}
