import { describe, expect, it } from "vitest";
import { isTransientDatabaseError } from "./errors";

/** Errors shaped as Prisma 6 with its driver adapters throws them (seen with a PostgreSQL restart). */
const prisma = (code: string, cause?: object) => Object.assign(new Error(`prisma ${code}`), { code, meta: cause ? { driverAdapterError: { name: "DriverAdapterError", cause } } : {} });

describe("isTransientDatabaseError", () => {
  it("is true for a database that is away or busy: a retry can succeed", () => {
    expect(isTransientDatabaseError(prisma("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }))).toBe(true);
    expect(isTransientDatabaseError(prisma("P1017", { kind: "ConnectionClosed" }))).toBe(true);
    // PostgreSQL shutting down under a query, and starting up.
    expect(isTransientDatabaseError(prisma("P2010", { kind: "postgres", code: "57P01" }))).toBe(true);
    expect(isTransientDatabaseError(prisma("P2010", { kind: "postgres", code: "57P03" }))).toBe(true);
    // SQLite locked past its busy timeout.
    expect(isTransientDatabaseError(prisma("P1008", { kind: "SocketTimeout" }))).toBe(true);
    expect(isTransientDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("is false for errors a retry cannot fix", () => {
    expect(isTransientDatabaseError(prisma("P2003", { kind: "ForeignKeyConstraintViolation" }))).toBe(false);
    expect(isTransientDatabaseError(prisma("P2002", { kind: "UniqueConstraintViolation" }))).toBe(false);
    expect(isTransientDatabaseError(prisma("P2021", { kind: "TableDoesNotExist" }))).toBe(false);
    expect(isTransientDatabaseError(prisma("P2010", { kind: "postgres", code: "42601" }))).toBe(false);
    expect(isTransientDatabaseError(new Error("something else"))).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
    expect(isTransientDatabaseError("P1001")).toBe(false);
  });
});
