"use client";
/**
 * The page's one polite live region: status changes a screen-reader user should hear
 * without moving focus (connected, reconnecting, sandbox reset, a step passed) go through
 * `useAnnounce()`. Polite, so a message waits until the reader has finished speaking; each
 * message is a new node, so saying the same sentence twice is announced twice.
 */

/** Messages kept in the region. One would drop a message replaced before the reader got to it (a reset is followed by "connected" within a second); many only grow the page. */
const KEPT = 3;
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

type Announce = (message: string) => void;

const AnnouncerContext = createContext<Announce>(() => undefined);

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [messages, setMessages] = useState<Array<{ id: number; message: string }>>([]);
  const announce = useCallback<Announce>(
    (message) => setMessages((current) => [...current, { id: (current.at(-1)?.id ?? 0) + 1, message }].slice(-KEPT)),
    [],
  );
  return (
    <AnnouncerContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {messages.map(({ id, message }) => (
          <p key={id}>{message}</p>
        ))}
      </div>
    </AnnouncerContext.Provider>
  );
}

/** Says `message` to screen readers through the page's live region. */
export function useAnnounce(): Announce {
  return useContext(AnnouncerContext);
}
