"use client";
/**
 * A lesson page: the text on the left, the learner's terminal on the right. Lesson
 * components reach the terminal (<Run>, <Check>, <PortLink>) and the step progress
 * through the context provided here.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
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
  steps: StepInfo[];
  passed: ReadonlySet<string>;
  markPassed: (step: string) => void;
}

const WorkspaceContext = createContext<Workspace>({ terminal: () => null, steps: [], passed: new Set(), markPassed: () => {} });

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
    <WorkspaceContext.Provider value={{ terminal, steps, passed, markPassed }}>
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
          />
        </aside>
      </div>
    </WorkspaceContext.Provider>
  );
}
