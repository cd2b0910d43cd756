"use client";
/** Announcements and hints from the workshop's instructor, newest first, above the lesson text. */
import type { WorkshopMessageEvent } from "../../shared/protocol";

export function WorkshopMessages({ messages, ended }: { messages: WorkshopMessageEvent[]; ended: string | null }) {
  if (messages.length === 0 && !ended) return null;
  return (
    <section className="workshop-messages" aria-live="polite" data-testid="workshop-messages">
      {ended ? (
        <p className="workshop-ended" data-testid="workshop-ended">
          {ended}
        </p>
      ) : null}
      {[...messages].reverse().map((message) => (
        <p key={message.id} className={`workshop-message ${message.kind}`} data-testid={`workshop-${message.kind}`}>
          <strong>{message.kind === "hint" ? "Hint from your instructor: " : "Announcement: "}</strong>
          {message.text}
        </p>
      ))}
    </section>
  );
}
