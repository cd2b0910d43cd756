/**
 * Invite links to a learner's playground (rules in shared/invites.ts). The link carries a
 * 128-bit random id; the database keeps only its SHA-256, so neither a backup nor a query
 * log opens anyone's session, and the key is safe to show (it is how the owner's page
 * names an invite to revoke).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "./client";
import { inviteKeySchema, inviteLinkIdSchema, type InviteAccess, type InviteRecord } from "../invites";

export function inviteKeyOf(linkId: string): string {
  return createHash("sha256").update(linkId).digest("hex");
}

type Row = { id: string; ownerId: string; access: string; createdAt: Date; expiresAt: Date; revokedAt: Date | null };
const toRecord = (row: Row): InviteRecord => ({
  key: row.id,
  ownerId: row.ownerId,
  access: row.access === "write" ? "write" : "read",
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

/** A new invite; the link id is returned once and never stored. */
export async function createInvite(
  db: Database,
  input: { ownerId: string; access: InviteAccess; expiresAt: Date },
  now = new Date(),
): Promise<{ linkId: string; invite: InviteRecord }> {
  const linkId = randomBytes(16).toString("base64url");
  const row = await db.playgroundInvite.create({ data: { id: inviteKeyOf(linkId), ...input, createdAt: now } });
  return { linkId, invite: toRecord(row) };
}

/** The invite a link opens, or null for anything that is not one (malformed ids never reach the database). */
export async function findInviteByLink(db: Database, linkId: unknown): Promise<InviteRecord | null> {
  if (!inviteLinkIdSchema.safeParse(linkId).success) return null;
  return findInvite(db, inviteKeyOf(linkId as string));
}

export async function findInvite(db: Database, key: string): Promise<InviteRecord | null> {
  if (!inviteKeySchema.safeParse(key).success) return null;
  const row = await db.playgroundInvite.findUnique({ where: { id: key } });
  return row ? toRecord(row) : null;
}

/** An owner's invites that still open their playground, newest first. */
export async function liveInvites(db: Database, ownerId: string, now = new Date()): Promise<InviteRecord[]> {
  const rows = await db.playgroundInvite.findMany({
    where: { ownerId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toRecord);
}

/** Revokes one of the owner's invites; false when the owner has no such live invite (another learner's key changes nothing). */
export async function revokeInvite(db: Database, ownerId: string, key: string, now = new Date()): Promise<boolean> {
  if (!inviteKeySchema.safeParse(key).success) return false;
  const { count } = await db.playgroundInvite.updateMany({ where: { id: key, ownerId, revokedAt: null }, data: { revokedAt: now } });
  return count === 1;
}
