"use client";
/** A command in the lesson with a button that types it into the learner's terminal, and one that copies it. */
import { Children, isValidElement, useState, type ReactNode } from "react";
import { copyText } from "../terminal/clipboard";
import { useSandboxConnection } from "../terminal/SandboxConnectionProvider";

function textOf(node: ReactNode): string {
  return Children.toArray(node)
    .map((child) => {
      if (typeof child === "string" || typeof child === "number") return String(child);
      if (isValidElement<{ children?: ReactNode }>(child)) return textOf(child.props.children);
      return "";
    })
    .join("");
}

export function Run({ children }: { children: ReactNode }) {
  const command = textOf(children).trim();
  const connection = useSandboxConnection();
  const [note, setNote] = useState("");
  const run = () => {
    const sent = connection?.run(command) ?? false;
    setNote(sent ? "" : "The terminal is not connected yet; try again in a moment.");
  };
  return (
    <div className="run">
      <pre>
        <code>{command}</code>
      </pre>
      <div className="run-actions">
        <button type="button" className="button-small" onClick={run} title="Type this command into your terminal">
          ▶ Run
        </button>
        <button type="button" className="button-small secondary" onClick={() => void copyText(command)} title="Copy">
          Copy
        </button>
      </div>
      {note && <p className="run-note">{note}</p>}
    </div>
  );
}
