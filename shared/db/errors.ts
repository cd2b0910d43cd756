/** Prisma's "unique constraint failed" (P2002): the row is already there. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}
