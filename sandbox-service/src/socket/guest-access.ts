/**
 * What a guest of someone's playground may do (an invite link: the token's `guest` claim,
 * shared/invites.ts). One table, checked by the connection before any handler runs, so a
 * new event of the protocol does not compile until someone decides what guests may do
 * with it; the browser's buttons are only a convenience, this is the rule.
 *
 * "read": watch. Open the owner's existing machines and watch their terminals (as an
 * observer: no input, no say in the terminal's size or pace), read files.
 * "write": also type in the terminals (which is as much as a shell gives: files too), and
 * open a shell of their own on a machine. Neither may add, remove or reset machines,
 * extend the session, open the owner's ports (the port's access cookie speaks for the
 * owner), run checks, or manage invites (those are the web app's and need the owner's cookie).
 */
import { EVENTS, type MessageName, type RequestName } from "../../../shared/protocol";
import { INVITE_REFUSALS, inviteRefusal, type InviteAccess, type InviteRecord } from "../../../shared/invites";
import type { SandboxClaims } from "../../../shared/token";

type LearnerEvent = RequestName<"learner"> | MessageName<"learner">;

/** The least access that may send each event; "owner": guests never may. */
export const GUEST_RULES: Record<LearnerEvent, InviteAccess | "owner"> = {
  [EVENTS.sandboxOpen]: "read",
  [EVENTS.terminalOpen]: "read",
  [EVENTS.terminalAck]: "read",
  [EVENTS.fileRead]: "read",
  [EVENTS.terminalInput]: "write",
  [EVENTS.terminalResize]: "write",
  [EVENTS.fileWrite]: "write",
  [EVENTS.sandboxReset]: "owner",
  [EVENTS.sandboxExtend]: "owner",
  [EVENTS.sandboxPortLink]: "owner",
  [EVENTS.checkRun]: "owner",
  [EVENTS.playRemove]: "owner",
};

/** What a guest is told when they send what their link does not allow. */
const REFUSED: Record<"read" | "owner", string> = {
  read: "This invite link is read-only: you can watch this playground, not type in it or change its files.",
  owner: "Only the playground's owner can do that (add, remove or reset machines, extend the session, open ports).",
};

/** null when `access` may send `event`, else the sentence saying why not. */
export function guestRefusal(event: LearnerEvent, access: InviteAccess): string | null {
  const needed = GUEST_RULES[event];
  if (needed === "owner") return REFUSED.owner;
  if (needed === "write" && access === "read") return REFUSED.read;
  return null;
}

/** Where the service reads an invite (the database; a fake in unit tests). */
export type InviteLookup = (key: string) => Promise<InviteRecord | null>;

/**
 * Watches one guest's invite while their socket lives: at once, then every `everyMs` (INVITE_RECHECK_SECONDS).
 * `ended(message)` is called once when the invite no longer opens the owner's playground
 * (revoked, expired, gone, or another owner's: a token whose claims disagree with the
 * database). A failed read (the database away for a moment) keeps the guest and tries again.
 */
export function watchInvite(
  claims: SandboxClaims,
  lookup: InviteLookup,
  now: () => number,
  everyMs: number,
  ended: (message: string) => void,
): () => void {
  const guest = claims.guest;
  if (!guest) return () => undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = async () => {
    try {
      const invite = await lookup(guest.invite);
      if (stopped) return;
      const refusal = inviteRefusal(invite, claims.sub, new Date(now()));
      if (refusal) {
        stopped = true;
        ended(INVITE_REFUSALS[refusal]);
        return;
      }
    } catch {
      // the database is away: the next check decides
    }
    if (!stopped) timer = setTimeout(() => void check(), everyMs);
  };
  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
