"use client";
/**
 * A lesson page: the text on the left, the learner's terminal on the right, around the
 * page's one sandbox connection (SandboxConnectionProvider). Lesson components use that
 * connection (<Run>, <Check>, <PortLink>, <Editor>) and share the step progress and the
 * current sandbox through the workspace context provided here. On a narrow screen the two
 * panes stack and a switch shows one at a time (CSS decides when the switch shows); status
 * changes are said to screen readers through the page's live region.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useAnnounce } from "../a11y/Announcer";
import type { SandboxInfo, WorkshopEndedEvent, WorkshopMessageEvent } from "../../shared/protocol";
import { SandboxConnectionProvider, useConnectionEvents } from "../terminal/SandboxConnectionProvider";
import type { ConnectionStatus } from "../terminal/sandbox-connection";
import { SandboxTerminal } from "../terminal/SandboxTerminal";
import { ProgressBar } from "./ProgressBar";
import { StatusAnnouncements } from "./status-announcements";
import { WorkshopMessages } from "./WorkshopMessages";

export interface StepInfo {
  id: string;
  title: string;
}

interface Workspace {
  /** The sandbox the page is connected to, or null while there is none (starting, ended). A reset changes it. */
  sandbox: SandboxInfo | null;
  steps: StepInfo[];
  passed: ReadonlySet<string>;
}

const WorkspaceContext = createContext<Workspace>({ sandbox: null, steps: [], passed: new Set() });

export function useWorkspace(): Workspace {
  return useContext(WorkspaceContext);
}

export function LessonWorkspace({ lesson, steps, children }: { lesson: string; steps: StepInfo[]; children: ReactNode }) {
  return (
    <SandboxConnectionProvider lesson={lesson}>
      <WorkspaceBody lesson={lesson} steps={steps}>
        {children}
      </WorkspaceBody>
    </SandboxConnectionProvider>
  );
}

function WorkspaceBody({ lesson, steps, children }: { lesson: string; steps: StepInfo[]; children: ReactNode }) {
  const [passed, setPassed] = useState<ReadonlySet<string>>(new Set());
  const [sandbox, setSandbox] = useState<SandboxInfo | null>(null);
  const [messages, setMessages] = useState<WorkshopMessageEvent[]>([]);
  const [workshopEnded, setWorkshopEnded] = useState<string | null>(null);
  const [pane, setPane] = useState<"text" | "terminal">("text");
  const announce = useAnnounce();
  const sentences = useRef(new StatusAnnouncements());
  // What is announced as passed: a step already passed (another visit, a re-check) is not news.
  const announcedPassed = useRef(new Set<string>());

  useConnectionEvents(
    useMemo(
      () => ({
        status: (status: ConnectionStatus, message: string) => {
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
      [announce, steps],
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
  const workspace = useMemo(() => ({ sandbox, steps, passed }), [sandbox, steps, passed]);
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
          <SandboxTerminal />
        </section>
      </main>
    </WorkspaceContext.Provider>
  );
}
