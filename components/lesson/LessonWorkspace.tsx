"use client";
/**
 * A lesson page: the text on the left, the learner's terminal on the right, around the
 * page's one sandbox connection (SandboxConnectionProvider). Lesson components use that
 * connection (<Run>, <Check>, <PortLink>, <Editor>) and share the step progress and the
 * current sandbox through the workspace context provided here.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { SandboxInfo, WorkshopEndedEvent, WorkshopMessageEvent } from "../../shared/protocol";
import { SandboxConnectionProvider, useConnectionEvents } from "../terminal/SandboxConnectionProvider";
import { SandboxTerminal } from "../terminal/SandboxTerminal";
import { ProgressBar } from "./ProgressBar";
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

  useConnectionEvents(
    useMemo(
      () => ({
        // A reconnect to the same sandbox keeps the same object, so editors do not reload for it.
        sandbox: (next: SandboxInfo | null) => setSandbox((current) => (current?.id === next?.id ? current : next)),
        checkPassed: (step: string) => setPassed((current) => new Set(current).add(step)),
        // The service sends the backlog again on every reconnect: keep each message once.
        workshopMessage: (message: WorkshopMessageEvent) =>
          setMessages((current) => (current.some((m) => m.id === message.id) ? current : [...current, message])),
        workshopEnded: (ended: WorkshopEndedEvent) => setWorkshopEnded(ended.message),
      }),
      [],
    ),
  );

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
  const workspace = useMemo(() => ({ sandbox, steps, passed }), [sandbox, steps, passed]);
  return (
    <WorkspaceContext.Provider value={workspace}>
      <div className="workspace">
        <article className="lesson-text">
          <WorkshopMessages messages={messages} ended={workshopEnded} />
          {steps.length > 0 && <ProgressBar passed={done} total={steps.length} />}
          {children}
        </article>
        <aside className="lesson-terminal">
          <SandboxTerminal />
        </aside>
      </div>
    </WorkspaceContext.Provider>
  );
}
