"use client";
/**
 * A lesson page: the text on the left, the learner's terminal on the right. Lesson
 * components reach the terminal (<Run>, <Check>, <PortLink>, <Editor>) and the step
 * progress through the context provided here. There is one sandbox connection per page,
 * the terminal's; the others use it through its handle.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { SandboxInfo } from "../../shared/protocol";
import { SandboxTerminal, type TerminalHandle } from "../terminal/SandboxTerminal";
import type { WorkshopEndedEvent, WorkshopMessageEvent } from "../../shared/protocol";
import { ProgressBar } from "./ProgressBar";
import { WorkshopMessages } from "./WorkshopMessages";

export interface StepInfo {
  id: string;
  title: string;
}

interface Workspace {
  /** The current terminal of this lesson page, or null while it is not ready. */
  terminal: () => TerminalHandle | null;
  /** The sandbox the page is connected to, or null while there is none (starting, ended). A reset changes it. */
  sandbox: SandboxInfo | null;
  steps: StepInfo[];
  passed: ReadonlySet<string>;
  markPassed: (step: string) => void;
}

const WorkspaceContext = createContext<Workspace>({ terminal: () => null, sandbox: null, steps: [], passed: new Set(), markPassed: () => {} });

export function useWorkspace(): Workspace {
  return useContext(WorkspaceContext);
}

export function useTerminal(): () => TerminalHandle | null {
  return useContext(WorkspaceContext).terminal;
}

export function LessonWorkspace({ lesson, steps, children }: { lesson: string; steps: StepInfo[]; children: ReactNode }) {
  const handle = useRef<TerminalHandle | null>(null);
  const [passed, setPassed] = useState<ReadonlySet<string>>(new Set());
  const onReady = useCallback((next: TerminalHandle | null) => {
    handle.current = next;
  }, []);
  const terminal = useCallback(() => handle.current, []);
  const [sandbox, setSandbox] = useState<SandboxInfo | null>(null);
  // A reconnect to the same sandbox keeps the same object, so editors do not reload for it.
  const onSandbox = useCallback((next: SandboxInfo | null) => setSandbox((current) => (current?.id === next?.id ? current : next)), []);
  const markPassed = useCallback((step: string) => setPassed((current) => new Set(current).add(step)), []);
  const [messages, setMessages] = useState<WorkshopMessageEvent[]>([]);
  const [workshopEnded, setWorkshopEnded] = useState<string | null>(null);
  // The service sends the backlog again on every reconnect: keep each message once.
  const onWorkshopMessage = useCallback(
    (message: WorkshopMessageEvent) => setMessages((current) => (current.some((m) => m.id === message.id) ? current : [...current, message])),
    [],
  );
  const onWorkshopEnded = useCallback((ended: WorkshopEndedEvent) => setWorkshopEnded(ended.message), []);

  // Steps passed before (another visit, another tab) stay passed.
  useEffect(() => {
    let cancelled = false;
    fetch(`/api/progress?lesson=${encodeURIComponent(lesson)}`)
      .then((response) => (response.ok ? response.json() : { passed: [] }))
      .then((body: { passed: string[] }) => {
        if (!cancelled) setPassed((current) => new Set([...current, ...body.passed]));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [lesson]);

  const done = steps.filter((step) => passed.has(step.id)).length;
  return (
    <WorkspaceContext.Provider value={{ terminal, sandbox, steps, passed, markPassed }}>
      <div className="workspace">
        <article className="lesson-text">
          <WorkshopMessages messages={messages} ended={workshopEnded} />
          {steps.length > 0 && <ProgressBar passed={done} total={steps.length} />}
          {children}
        </article>
        <aside className="lesson-terminal">
          <SandboxTerminal
            lesson={lesson}
            onReady={onReady}
            onCheckPassed={markPassed}
            onWorkshopMessage={onWorkshopMessage}
            onWorkshopEnded={onWorkshopEnded}
            onSandbox={onSandbox}
          />
        </aside>
      </div>
    </WorkspaceContext.Provider>
  );
}
