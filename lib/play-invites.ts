/** What the owner's page and the invite routes share: an invite as JSON, and the link it is opened by. */
import type { InviteRecord } from "../shared/invites";

export interface InviteView {
  /** SHA-256 of the link id: names the invite for Revoke, opens nothing. */
  key: string;
  access: InviteRecord["access"];
  expiresAt: string;
  /** The link, only in the answer that created it (the database does not keep it). */
  link?: string;
}

export const invitePath = (linkId: string) => `/play/shared/${linkId}`;

export function inviteView(invite: InviteRecord, linkId?: string): InviteView {
  return { key: invite.key, access: invite.access, expiresAt: invite.expiresAt.toISOString(), ...(linkId ? { link: invitePath(linkId) } : {}) };
}
