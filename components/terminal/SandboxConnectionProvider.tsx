"use client";
/**
 * The page's one connection to its sandbox (coder's pattern: one owner per connection on a
 * page). The provider creates it for the lesson (and has it ask for its token at once)
 * and stops it when the page goes; the terminal starts it once its screen is ready,
 * and every other part (editor, checks, Run buttons, port links, progress) uses it through
 * `useSandboxConnection` and hears what happens through `useConnectionEvents`.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { SandboxConnection, type ConnectionEvents } from "./sandbox-connection";

const ConnectionContext = createContext<SandboxConnection | null>(null);

/** `machine`: on the playground, which of the session's machines (each has a provider and connection of its own). */
export function SandboxConnectionProvider({ lesson, machine, children }: { lesson: string; machine?: string; children: ReactNode }) {
  const [connection, setConnection] = useState<SandboxConnection | null>(null);
  useEffect(() => {
    // Made here, not during render: React may render twice, and a connection is a socket.
    const next = new SandboxConnection(lesson, machine);
    // The token now, while the terminal's code loads; the terminal starts it when its screen is ready.
    next.prepare();
    setConnection(next);
    return () => {
      next.stop();
      setConnection(null);
    };
  }, [lesson, machine]);
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

/** The page's sandbox connection; null until the page has mounted (and outside a lesson page). */
export function useSandboxConnection(): SandboxConnection | null {
  return useContext(ConnectionContext);
}

/** Hears the connection's events while the component is mounted. Pass a stable (memoised) listener. */
export function useConnectionEvents(listener: Partial<ConnectionEvents>): void {
  const connection = useSandboxConnection();
  useEffect(() => connection?.subscribe(listener), [connection, listener]);
}
