"use client";
/** A read-only xterm.js screen showing a learner's terminal to their instructor: it takes no input. */
import "@xterm/xterm/css/xterm.css";
import type { Terminal } from "@xterm/xterm";
import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import type { Write } from "../terminal/terminal-stream";
import { followScheme, MIN_CONTRAST, TERMINAL_THEMES } from "../terminal/theme";

export interface ShadowScreen {
  write(write: Write): void;
  clear(): void;
}

export function ShadowTerminal({ ref }: { ref: Ref<ShadowScreen | null> }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  // Writes that arrive before xterm.js has loaded.
  const early = useRef<Write[]>([]);

  useImperativeHandle(ref, () => ({
    write: (write) => {
      if (!term.current) return void early.current.push(write);
      if (write.reset) term.current.reset();
      if (write.data.length) term.current.write(write.data);
    },
    clear: () => {
      early.current = [];
      term.current?.reset();
    },
  }));

  useEffect(() => {
    let disposed = false;
    let unfollowScheme: (() => void) | undefined;
    void import("@xterm/xterm").then(({ Terminal: XTerm }) => {
      if (disposed || !host.current) return;
      const screen = new XTerm({ disableStdin: true, cursorBlink: false, convertEol: false, rows: 24, cols: 100, fontSize: 13, minimumContrastRatio: MIN_CONTRAST });
      unfollowScheme = followScheme((scheme) => (screen.options.theme = TERMINAL_THEMES[scheme]));
      screen.open(host.current);
      term.current = screen;
      for (const write of early.current.splice(0)) {
        if (write.reset) screen.reset();
        if (write.data.length) screen.write(write.data);
      }
    });
    return () => {
      disposed = true;
      unfollowScheme?.();
      term.current?.dispose();
      term.current = null;
    };
  }, []);

  return <div className="shadow-screen" ref={host} data-testid="shadow-terminal" />;
}
