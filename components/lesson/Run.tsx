"use client";
/**
 * A command in the lesson with a button that types it into the learner's terminal, and one
 * that copies it. In a lesson with several machines, `machine` names the terminal (node1 by
 * default), which the button brings to the front.
 */
import { Children, isValidElement, useState, type ReactNode } from "react";
import { copyText } from "../terminal/clipboard";
import { useMachineConnections } from "../terminal/MachineConnections";
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

export function Run({ children, machine }: { children: ReactNode; machine?: string }) {
  const command = textOf(children).trim();
  const machines = useMachineConnections();
  const target = machines ? (machine ?? "node1") : undefined;
  const connection = useSandboxConnection(target);
  const [note, setNote] = useState("");
  const run = () => {
    const sent = connection?.run(command) ?? false;
    if (sent && target) machines?.show(target);
    setNote(sent ? "" : `${target ? `The terminal of ${target}` : "The terminal"} is not connected yet; try again in a moment.`);
  };
  return (
    <div className="run">
      {target && <span className="run-machine">{target}</span>}
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
