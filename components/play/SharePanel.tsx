"use client";
/**
 * The owner's invite links to their playground (app/api/play/invites): create one
 * (read-only or read-write, with an expiry), copy it, revoke it. A link is shown only on
 * the page that created it: the platform keeps its hash, not the link.
 */
import { useCallback, useEffect, useState } from "react";
import { describeSeconds, type InviteAccess } from "../../shared/invites";
import type { InviteView } from "../../lib/play-invites";

type Choices = { seconds: number[]; default: number };

async function call<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(answer.error ?? "The platform did not answer. Try again in a moment.");
  return answer;
}

export function SharePanel() {
  const [invites, setInvites] = useState<InviteView[]>([]);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [access, setAccess] = useState<InviteAccess>("read");
  const [seconds, setSeconds] = useState(0);
  const [note, setNote] = useState("");
  // Links created on this page (the list from the server has none).
  const [links, setLinks] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    try {
      const answer = await call<{ invites: InviteView[]; choices: Choices }>("/api/play/invites");
      setInvites(answer.invites);
      setChoices(answer.choices);
      setSeconds((current) => current || answer.choices.default);
    } catch (error) {
      setNote((error as Error).message);
    }
  }, []);
  useEffect(() => void load(), [load]);

  const create = async () => {
    setNote("");
    try {
      const { invite } = await call<{ invite: InviteView }>("/api/play/invites", { access, seconds });
      if (invite.link) setLinks((current) => ({ ...current, [invite.key]: new URL(invite.link!, window.location.href).toString() }));
      await load();
    } catch (error) {
      setNote((error as Error).message);
    }
  };

  const revoke = async (key: string) => {
    setNote("");
    try {
      await call("/api/play/invites/revoke", { key });
      await load();
    } catch (error) {
      setNote((error as Error).message);
    }
  };

  return (
    <details className="share-panel" data-testid="share-panel">
      <summary>Share this playground</summary>
      <div className="share-form">
        <label className="field-note">
          Access{" "}
          <select value={access} onChange={(event) => setAccess(event.target.value === "write" ? "write" : "read")} data-testid="invite-access">
            <option value="read">Read-only: watch the terminals</option>
            <option value="write">Read-write: also type in them</option>
          </select>
        </label>
        <label className="field-note">
          Expires after{" "}
          <select value={seconds} onChange={(event) => setSeconds(Number(event.target.value))} disabled={!choices}>
            {choices?.seconds.map((s) => (
              <option key={s} value={s}>
                {describeSeconds(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button-small" onClick={() => void create()} disabled={!choices}>
          Create invite link
        </button>
      </div>
      {note && (
        <p className="run-note" role="alert">
          {note}
        </p>
      )}
      {invites.length > 0 && (
        <ul className="invite-list" aria-label="Invite links">
          {invites.map((invite) => (
            <li key={invite.key} data-testid="invite">
              <span>
                {invite.access === "write" ? "Read-write" : "Read-only"}, until {new Date(invite.expiresAt).toLocaleTimeString()}
              </span>{" "}
              {links[invite.key] ? (
                <input className="invite-link" readOnly value={links[invite.key]} aria-label="Invite link" data-testid="invite-link" onFocus={(event) => event.target.select()} />
              ) : (
                <span className="field-note">(the link was shown when it was created)</span>
              )}{" "}
              <button type="button" className="button-small" onClick={() => void revoke(invite.key)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
