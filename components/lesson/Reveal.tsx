"use client";
/** <Hint> and <Solution>: hidden until the learner asks for them. */
import { useState, type ReactNode } from "react";

function Reveal({ label, kind, children }: { label: string; kind: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className={`reveal reveal-${kind}`}>
      <button type="button" className="button-small secondary-light" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? `Hide the ${label.toLowerCase()}` : `Show a ${label.toLowerCase()}`}
      </button>
      {open && <div className="reveal-body">{children}</div>}
    </div>
  );
}

export function Hint({ children }: { children: ReactNode }) {
  return (
    <Reveal label="Hint" kind="hint">
      {children}
    </Reveal>
  );
}

export function Solution({ children }: { children: ReactNode }) {
  return (
    <Reveal label="Solution" kind="solution">
      {children}
    </Reveal>
  );
}
