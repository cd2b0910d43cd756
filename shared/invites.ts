/**
 * Invite links to a playground (/play/shared/<link id>): the rules both processes apply.
 * Browser-safe (no node: imports). The web app creates, lists and revokes invites and
 * signs a guest's token; the sandbox service enforces the access level on every event and
 * checks the invite again while the guest stays connected (sandbox-service/src/socket/).
 */
import { z } from "zod";

/** "read": watch the owner's terminals. "write": also type in them (and use the editor). */
export const INVITE_ACCESS = ["read", "write"] as const;
export type InviteAccess = (typeof INVITE_ACCESS)[number];
export const inviteAccessSchema = z.enum(INVITE_ACCESS);

/** A link's id: 16 random bytes as base64url (22 characters, 128 bits), as in shared/token.ts. */
export const inviteLinkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "not an invite link");
/** What the database keys an invite by: the SHA-256 (hex) of its link id (shared/db/invites.ts). */
export const inviteKeySchema = z.string().regex(/^[a-f0-9]{64}$/);

/**
 * How long a new invite may last, in seconds, offered in this order. 1 hour is the
 * default; the choices longer than the platform's sandbox lifetime are not offered (the
 * machines would be gone before the link), and the lifetime itself is the last choice.
 */
const EXPIRY_CHOICES = [15 * 60, 60 * 60, 2 * 60 * 60, 8 * 60 * 60];
export const DEFAULT_INVITE_SECONDS = 60 * 60;

export function inviteExpiryChoices(maxLifetimeSeconds: number): number[] {
  const fitting = EXPIRY_CHOICES.filter((s) => s < maxLifetimeSeconds);
  return [...fitting, maxLifetimeSeconds];
}

/** The choice a new invite starts with: 1 hour, or the lifetime when that is shorter. */
export function defaultInviteSeconds(maxLifetimeSeconds: number): number {
  return Math.min(DEFAULT_INVITE_SECONDS, maxLifetimeSeconds);
}

export interface InviteRecord {
  key: string;
  ownerId: string;
  access: InviteAccess;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type InviteRefusal = "unknown" | "expired" | "revoked" | "other_owner";

/** Sentences a guest reads when their link does not (or no longer) open the playground. */
export const INVITE_REFUSALS: Record<InviteRefusal, string> = {
  unknown: "This invite link is not valid: it was never issued, or it was copied incompletely. Ask the playground's owner for a new one.",
  expired: "This invite link has expired. Ask the playground's owner for a new one.",
  revoked: "The playground's owner revoked this invite link.",
  other_owner: "This invite link is for another playground.",
};

/**
 * Whether an invite opens `owner`'s playground at `now`: null when it does, else why not.
 * `owner` is what the guest's token names (the service passes it; the web app, which
 * takes the owner from the invite itself, passes the invite's own owner).
 */
export function inviteRefusal(invite: InviteRecord | null, owner: string, now: Date): InviteRefusal | null {
  if (!invite) return "unknown";
  if (invite.ownerId !== owner) return "other_owner";
  if (invite.revokedAt !== null && invite.revokedAt.getTime() <= now.getTime()) return "revoked";
  if (invite.expiresAt.getTime() <= now.getTime()) return "expired";
  return null;
}

/** "2 h", "15 min": how a choice of expiry reads on the page. */
export function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${Math.round(seconds / 60)} min`;
}
