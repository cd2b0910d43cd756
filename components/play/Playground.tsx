"use client";
/**
 * The playground (/play): machines node1, node2… of the learner's session, each a
 * `docker` sandbox with a terminal tab, an editor and port links of its own, on a private
 * network where they reach each other by name. Each machine has its own connection
 * (SandboxConnectionProvider with `machine`), so everything a lesson page does with its
 * sandbox (terminal, editor, port links, extension) works per machine unchanged. Machines
 * of hidden tabs stay mounted: their terminals stay attached, so a machine you are not
 * looking at is not idle.
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { nextMachine } from "../../shared/playground";
import type { PlaygroundMachines } from "../../shared/protocol";
import { SandboxConnectionProvider, useConnectionEvents, useSandboxConnection } from "../terminal/SandboxConnectionProvider";
import { SandboxTerminal } from "../terminal/SandboxTerminal";
import { MachineTabs } from "../machines/MachineTabs";
import { PortLink } from "../lesson/PortLink";
import type { InviteAccess } from "../../shared/invites";
import { ExamplePanel, type PlaygroundExample } from "./ExamplePanel";
import { FileBar, MachineEditor, useMachineFile } from "./MachineFile";
import { SharePanel } from "./SharePanel";

/** An example of the gallery (examples/), opened with /play?example=NAME: its files go to node1. */
export type { PlaygroundExample };

/** Until the service says otherwise (the first machine's answer carries PLAYGROUND_MAX_MACHINES). */
const ASSUMED_MAX_MACHINES = 5;

const byNumber = (a: string, b: string) => Number(a.slice(4)) - Number(b.slice(4));

/** A guest's view (/play/shared/<id>): the owner's machines, no adding or removing; "read" only watches. */
export interface PlaygroundGuest {
  linkId: string;
  access: InviteAccess;
}

export function Playground({ intro, example, guest }: { intro?: ReactNode; example?: PlaygroundExample; guest?: PlaygroundGuest }) {
  // Machines shown: the service's list once known, plus ones this page is adding (not in it yet).
  const [machines, setMachines] = useState<string[]>(["node1"]);
  const adding = useRef(new Set(["node1"]));
  const [active, setActive] = useState("node1");
  const [maxMachines, setMaxMachines] = useState(ASSUMED_MAX_MACHINES);
  const [note, setNote] = useState("");
  // The tab shown: the one chosen, or the first left when it went (removed here or in another tab).
  const shown = machines.includes(active) ? active : (machines[0] ?? "");

  const heard = useCallback((from: string, list: PlaygroundMachines) => {
    setMaxMachines(list.maxMachines);
    adding.current.delete(from);
    for (const machine of list.machines) adding.current.delete(machine);
    setMachines([...new Set([...list.machines, ...adding.current])].sort(byNumber));
  }, []);

  const add = () => {
    const machine = nextMachine(machines, maxMachines);
    if (!machine) return setNote(`A playground has at most ${maxMachines} machines. Remove one to add another.`);
    setNote("");
    adding.current.add(machine);
    setMachines((current) => [...current, machine].sort(byNumber));
    setActive(machine);
  };

  const removed = useCallback(
    (machine: string, left: PlaygroundMachines) => heard(machine, { ...left, machines: left.machines.filter((m) => m !== machine) }),
    [heard],
  );

  return (
    <main className="playground" data-testid="playground">
      <div className="playground-bar">
        {intro}
        <MachineTabs machines={machines} shown={shown} onSelect={setActive}>
          {!guest && (
            <button type="button" className="button-small" onClick={add} disabled={machines.length >= maxMachines}>
              + Add machine
            </button>
          )}
          <span className="field-note">
            {machines.length} of {maxMachines} machines · they reach each other by name (ping node1)
          </span>
        </MachineTabs>
        {note && <p className="run-note">{note}</p>}
        {!guest && <SharePanel />}
      </div>
      {machines.length === 0 && !guest && (
        <p className="playground-empty">
          No machines. <button type="button" className="button-small" onClick={add}>+ Add machine</button>
        </p>
      )}
      {machines.map((machine) => (
        <SandboxConnectionProvider key={machine} lesson="play" machine={machine} invite={guest}>
          <MachinePane
            machine={machine}
            shown={machine === shown}
            onMachines={heard}
            onRemoved={removed}
            guest={guest}
            example={machine === "node1" ? example : undefined}
          />
        </SandboxConnectionProvider>
      ))}
    </main>
  );
}

function MachinePane({
  machine,
  shown,
  onMachines,
  onRemoved,
  guest,
  example,
}: {
  /** node1's, when the page opened an example. */
  example?: PlaygroundExample;
  guest?: PlaygroundGuest;
  machine: string;
  shown: boolean;
  onMachines: (from: string, list: PlaygroundMachines) => void;
  onRemoved: (machine: string, left: PlaygroundMachines) => void;
}) {
  const connection = useSandboxConnection();
  const [port, setPort] = useState("8080");
  const [note, setNote] = useState("");
  const file = useMachineFile();
  useConnectionEvents(useMemo(() => ({ machines: (list: PlaygroundMachines) => onMachines(machine, list) }), [machine, onMachines]));

  const remove = async () => {
    if (!connection) return;
    try {
      onRemoved(machine, await connection.removeMachine(machine));
    } catch (error) {
      setNote((error as Error).message);
    }
  };

  return (
    <section className="machine-pane" data-machine={machine} data-editor={file.shown ? "open" : "closed"} hidden={!shown} aria-label={machine}>
      {guest ? (
        <p className="field-note" data-testid="guest-access">
          {guest.access === "read" ? "You are watching this machine (read-only)." : "You can type in this machine's terminal (read-write)."}
        </p>
      ) : (
        <div className="machine-actions">
          <label className="field-note">
            Port{" "}
            <input className="port-input" inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value.replace(/\D/g, "").slice(0, 5))} />
          </label>
          {/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535 ? <PortLink port={Number(port)}>Open port {port}</PortLink> : null}
          <button type="button" className="button-small" onClick={() => void remove()}>
            Remove {machine}
          </button>
          {note && <span className="run-note">{note}</span>}
        </div>
      )}
      {example && <ExamplePanel example={example} onOpen={file.open} />}
      {/* A read-only guest may open files too (to read them): the editor does not let them save. */}
      <FileBar machine={machine} file={file} />
      <div className="machine-work">
        <SandboxTerminal />
        <MachineEditor machine={machine} file={file} />
      </div>
    </section>
  );
}
