"use client";
/**
 * The page's one connection to its sandbox (coder's pattern: one owner per connection on a
 * page). The provider creates it for the lesson (and has it ask for its token at once)
 * and stops it when the page goes; the terminal starts it once its screen is ready,
 * and every other part (editor, checks, Run buttons, port links, progress) uses it through
 * `useSandboxConnection` and hears what happens through `useConnectionEvents`.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useMachineConnections } from "./MachineConnections";
import type { InviteAccess } from "../../shared/invites";
import { SandboxConnection, type ConnectionEvents } from "./sandbox-connection";

const ConnectionContext = createContext<SandboxConnection | null>(null);

/**
 * `machine`: on the playground or in a lesson with several machines, which of the session's
 * machines (each has a provider and connection of its own, registered by name with the
 * page's MachineConnectionsProvider when there is one).
 * `invite`: a guest of someone's playground (/play/shared/<id>).
 */
export function SandboxConnectionProvider({
  lesson,
  machine,
  invite,
  children,
}: {
  lesson: string;
  machine?: string;
  invite?: { linkId: string; access: InviteAccess };
  children: ReactNode;
}) {
  const [connection, setConnection] = useState<SandboxConnection | null>(null);
  const register = useMachineConnections()?.register;
  const inviteId = invite?.linkId;
  const inviteAccess = invite?.access;
  useEffect(() => {
    // Made here, not during render: React may render twice, and a connection is a socket.
    const next = new SandboxConnection(lesson, machine, inviteId && inviteAccess ? { linkId: inviteId, access: inviteAccess } : undefined);
    // The token now, while the terminal's code loads; the terminal starts it when its screen is ready.
    next.prepare();
    setConnection(next);
    if (machine) register?.(machine, next);
    return () => {
      next.stop();
      setConnection(null);
      if (machine) register?.(machine, null);
    };
  }, [lesson, machine, register, inviteId, inviteAccess]);
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

/**
 * The page's sandbox connection; null until the page has mounted (and outside a lesson
 * page). With `machine`, on a page with several machines: that machine's connection.
 */
export function useSandboxConnection(machine?: string): SandboxConnection | null {
  const nearest = useContext(ConnectionContext);
  const machines = useMachineConnections();
  return machine && machines ? machines.get(machine) : nearest;
}

/** Hears the connection's events while the component is mounted. Pass a stable (memoised) listener. */
export function useConnectionEvents(listener: Partial<ConnectionEvents>): void {
  const connection = useSandboxConnection();
  useEffect(() => connection?.subscribe(listener), [connection, listener]);
}
