"use client";
/**
 * A lesson page: the text on the left, the learner's terminal on the right, around the
 * page's one sandbox connection (SandboxConnectionProvider). Lesson components use that
 * connection (<Run>, <Check>, <PortLink>, <Editor>) and share the step progress and the
 * current sandbox through the workspace context provided here. On a narrow screen the two
 * panes stack and a switch shows one at a time (CSS decides when the switch shows); status
 * changes are said to screen readers through the page's live region.
 *
 * A lesson with several machines (`machines: N`) shows one terminal tab per machine (the
 * playground's MachineTabs), each machine with its own connection; the page's default
 * connection, which checks and progress use, is node1's (a step's check runs on its own
 * machine: the service picks it from the lesson file).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useAnnounce } from "../a11y/Announcer";
import type { SandboxInfo, WorkshopEndedEvent, WorkshopMessageEvent } from "../../shared/protocol";
import { MachineTabs } from "../machines/MachineTabs";
import { MachineConnectionsProvider } from "../terminal/MachineConnections";
import { SandboxConnectionProvider, useConnectionEvents } from "../terminal/SandboxConnectionProvider";
import type { ConnectionStatus } from "../terminal/sandbox-connection";
import { SandboxTerminal } from "../terminal/SandboxTerminal";
import { ProgressBar } from "./ProgressBar";
import { StatusAnnouncements } from "./status-announcements";
import { WorkshopMessages } from "./WorkshopMessages";

export interface StepInfo {
  id: string;
  title: string;
  /** The machine the step's check runs on (node1 unless the lesson has several). */
  machine: string;
}

interface Workspace {
  /** The sandbox the page is connected to (node1's, with several machines), or null while there is none (starting, ended). A reset changes it. */
  sandbox: SandboxInfo | null;
  steps: StepInfo[];
  passed: ReadonlySet<string>;
  /** The lesson's machines, node1 first; empty for a lesson with one sandbox. */
  machines: readonly string[];
}

const WorkspaceContext = createContext<Workspace>({ sandbox: null, steps: [], passed: new Set(), machines: [] });

export function useWorkspace(): Workspace {
  return useContext(WorkspaceContext);
}

const NO_MACHINES: readonly string[] = [];

export function LessonWorkspace({ lesson, steps, machines = 1, children }: { lesson: string; steps: StepInfo[]; machines?: number; children: ReactNode }) {
  const [pane, setPane] = useState<"text" | "terminal">("text");
  const [shown, setShown] = useState("node1");
  const names = useMemo(() => (machines > 1 ? Array.from({ length: machines }, (_, i) => `node${i + 1}`) : NO_MACHINES), [machines]);
  // A Run button typed into a machine: show its tab (and, on a narrow screen, the terminal).
  const show = useCallback((machine: string) => {
    setShown(machine);
    setPane("terminal");
  }, []);
  const body = (
    <WorkspaceBody lesson={lesson} steps={steps} machines={names} shown={shown} onShow={setShown} pane={pane} onPane={setPane}>
      {children}
    </WorkspaceBody>
  );
  if (names.length === 0) return <SandboxConnectionProvider lesson={lesson}>{body}</SandboxConnectionProvider>;
  return (
    <MachineConnectionsProvider onShow={show}>
      <SandboxConnectionProvider lesson={lesson} machine="node1">
        {body}
      </SandboxConnectionProvider>
    </MachineConnectionsProvider>
  );
}

function WorkspaceBody({
  lesson,
  steps,
  machines,
  shown,
  onShow,
  pane,
  onPane: setPane,
  children,
}: {
  lesson: string;
  steps: StepInfo[];
  machines: readonly string[];
  shown: string;
  onShow: (machine: string) => void;
  pane: "text" | "terminal";
  onPane: (pane: "text" | "terminal") => void;
  children: ReactNode;
}) {
  const [passed, setPassed] = useState<ReadonlySet<string>>(new Set());
  const [sandbox, setSandbox] = useState<SandboxInfo | null>(null);
  const [messages, setMessages] = useState<WorkshopMessageEvent[]>([]);
  const [workshopEnded, setWorkshopEnded] = useState<string | null>(null);
  // The other machines connect once node1's connection got a token: a first visit has no
  // learner cookie yet, and tokens asked for at once would each make a learner of their own.
  const [learnerKnown, setLearnerKnown] = useState(false);
  const announce = useAnnounce();
  const sentences = useRef(new StatusAnnouncements());
  // What is announced as passed: a step already passed (another visit, a re-check) is not news.
  const announcedPassed = useRef(new Set<string>());

  useConnectionEvents(
    useMemo(
      () => ({
        status: (status: ConnectionStatus, message: string) => {
          if (status === "starting" || status === "connected") setLearnerKnown(true);
          const sentence = sentences.current.onStatus(status, message);
          if (sentence) announce(sentence);
        },
        // A reconnect to the same sandbox keeps the same object, so editors do not reload for it.
        sandbox: (next: SandboxInfo | null) => {
          setSandbox((current) => (current?.id === next?.id ? current : next));
          const sentence = sentences.current.onSandbox(next?.id ?? null);
          if (sentence) announce(sentence);
        },
        checkPassed: (step: string) => {
          setPassed((current) => new Set(current).add(step));
          if (announcedPassed.current.has(step)) return;
          announcedPassed.current.add(step);
          announce(sentences.current.onStepPassed(steps.find((s) => s.id === step)?.title ?? step));
        },
        // A Run button typed into the terminal: on a narrow screen, show it.
        typedByPage: () => setPane("terminal"),
        // The service sends the backlog again on every reconnect: keep each message once.
        workshopMessage: (message: WorkshopMessageEvent) =>
          setMessages((current) => (current.some((m) => m.id === message.id) ? current : [...current, message])),
        workshopEnded: (ended: WorkshopEndedEvent) => setWorkshopEnded(ended.message),
      }),
      [announce, steps, setPane],
    ),
  );

  // Steps passed before (another visit, another tab) stay passed.
  useEffect(() => {
    let cancelled = false;
    fetch(`/api/progress?lesson=${encodeURIComponent(lesson)}`)
      .then((response) => (response.ok ? response.json() : { passed: [] }))
      .then((body: { passed: string[] }) => {
        if (cancelled) return;
        for (const step of body.passed) announcedPassed.current.add(step);
        setPassed((current) => new Set([...current, ...body.passed]));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [lesson]);

  const done = steps.filter((step) => passed.has(step.id)).length;
  const workspace = useMemo(() => ({ sandbox, steps, passed, machines }), [sandbox, steps, passed, machines]);
  return (
    <WorkspaceContext.Provider value={workspace}>
      <main className="workspace" data-pane={pane}>
        <div className="pane-switch" role="group" aria-label="Show">
          <button type="button" className="button-small secondary-light" aria-pressed={pane === "text"} onClick={() => setPane("text")}>
            Lesson
          </button>
          <button type="button" className="button-small secondary-light" aria-pressed={pane === "terminal"} onClick={() => setPane("terminal")}>
            Terminal
          </button>
        </div>
        <article className="lesson-text" aria-label="Lesson">
          <WorkshopMessages messages={messages} ended={workshopEnded} />
          {steps.length > 0 && <ProgressBar passed={done} total={steps.length} />}
          {children}
        </article>
        <section className="lesson-terminal" aria-label="Terminal">
          {machines.length > 0 ? <MachineTerminals lesson={lesson} machines={machines} shown={shown} onShow={onShow} othersMayStart={learnerKnown} /> : <SandboxTerminal />}
        </section>
      </main>
    </WorkspaceContext.Provider>
  );
}

/**
 * One terminal per machine behind the shared tabs. node1's is the page's own connection
 * (the provider around the workspace); the others get a provider each. Hidden panes stay
 * mounted, so every machine stays attached (not idle) while another is shown.
 */
function MachineTerminals({
  lesson,
  machines,
  shown,
  onShow,
  othersMayStart,
}: {
  lesson: string;
  machines: readonly string[];
  shown: string;
  onShow: (machine: string) => void;
  othersMayStart: boolean;
}) {
  return (
    <div className="lesson-machines">
      <MachineTabs machines={machines} shown={shown} onSelect={onShow} />
      {machines.map((machine) => (
        <section key={machine} className="machine-pane" data-machine={machine} hidden={machine !== shown} aria-label={machine}>
          {machine === "node1" ? (
            <SandboxTerminal />
          ) : !othersMayStart ? (
            <p className="machine-waiting">{machine} starts once node1 is connected…</p>
          ) : (
            <SandboxConnectionProvider lesson={lesson} machine={machine}>
              <SandboxTerminal />
            </SandboxConnectionProvider>
          )}
        </section>
      ))}
    </div>
  );
}
