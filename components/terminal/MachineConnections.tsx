"use client";
/**
 * The connections of a page with several machines, by name (each machine's
 * SandboxConnectionProvider registers its own here), so a lesson's
 * `<Run machine="node2">`, `<Editor machine="node2">` and `<PortLink machine="node2">` reach
 * that machine's connection wherever they sit on the page, and a Run shows its machine.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { SandboxConnection } from "./sandbox-connection";

interface MachineConnections {
  /** The machine's connection; null until its provider has mounted. */
  get(machine: string): SandboxConnection | null;
  register(machine: string, connection: SandboxConnection | null): void;
  /** Brings the machine's terminal to the front (a Run button typed into it). */
  show(machine: string): void;
}

const MachinesContext = createContext<MachineConnections | null>(null);

export function MachineConnectionsProvider({ onShow, children }: { onShow: (machine: string) => void; children: ReactNode }) {
  const [connections, setConnections] = useState<ReadonlyMap<string, SandboxConnection>>(new Map());
  const register = useCallback((machine: string, connection: SandboxConnection | null) => {
    setConnections((current) => {
      const next = new Map(current);
      if (connection) next.set(machine, connection);
      else next.delete(machine);
      return next;
    });
  }, []);
  const value = useMemo<MachineConnections>(
    () => ({ get: (machine) => connections.get(machine) ?? null, register, show: onShow }),
    [connections, register, onShow],
  );
  return <MachinesContext.Provider value={value}>{children}</MachinesContext.Provider>;
}

/** The page's machines, or null on a page with one sandbox. */
export function useMachineConnections(): MachineConnections | null {
  return useContext(MachinesContext);
}
