"use client";
/** A lesson page: the text on the left, the learner's terminal on the right; <Run> buttons type into it. */
import { createContext, useCallback, useContext, useRef, type ReactNode } from "react";
import { SandboxTerminal, type TerminalHandle } from "../terminal/SandboxTerminal";

const TerminalContext = createContext<() => TerminalHandle | null>(() => null);

/** The current terminal of this lesson page, or null while it is not ready. */
export function useTerminal(): () => TerminalHandle | null {
  return useContext(TerminalContext);
}

export function LessonWorkspace({ lesson, children }: { lesson: string; children: ReactNode }) {
  const handle = useRef<TerminalHandle | null>(null);
  const onReady = useCallback((next: TerminalHandle | null) => {
    handle.current = next;
  }, []);
  const current = useCallback(() => handle.current, []);
  return (
    <TerminalContext.Provider value={current}>
      <div className="workspace">
        <article className="lesson-text">{children}</article>
        <aside className="lesson-terminal">
          <SandboxTerminal lesson={lesson} onReady={onReady} />
        </aside>
      </div>
    </TerminalContext.Provider>
  );
}
