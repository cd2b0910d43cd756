import type { Metadata } from "next";
import Link from "next/link";
import { Playground } from "@/components/play/Playground";
import { db } from "@/lib/db";
import { findInviteByLink } from "@/shared/db/invites";
import { INVITE_REFUSALS, inviteRefusal } from "@/shared/invites";

export const metadata: Metadata = { title: "Shared playground" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/**
 * Someone's playground opened by an invite link: its machines, live. The link is checked
 * here for a readable sentence; the token route and the service check it again (the
 * service for as long as the guest stays).
 */
export default async function SharedPlayPage({ params }: Props) {
  const { id } = await params;
  const invite = await findInviteByLink(db(), id);
  const refusal = inviteRefusal(invite, invite?.ownerId ?? "", new Date());
  if (refusal || !invite) {
    return (
      <main className="narrow" data-testid="shared-play-refused">
        <h1>Shared playground</h1>
        <p className="run-note" role="alert" data-testid="invite-refused">
          {INVITE_REFUSALS[refusal ?? "unknown"]}
        </p>
        <p>
          You can open a <Link href="/play">playground of your own</Link>.
        </p>
      </main>
    );
  }
  return (
    <Playground
      guest={{ linkId: id, access: invite.access }}
      intro={
        <>
          <h1 className="playground-title">Shared playground</h1>
          <p className="field-note">
            {invite.access === "read" ? "Read-only: you see what happens on its machines." : "Read-write: you can type in its terminals."} The link
            expires at {invite.expiresAt.toISOString().slice(11, 16)} UTC.
          </p>
        </>
      }
    />
  );
}
