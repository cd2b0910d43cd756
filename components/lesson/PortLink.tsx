"use client";
/**
 * Opens a port of the learner's sandbox (their Flask app on 5000, a container published on
 * 8080…) in a new tab, through the sandbox service's proxy, on an origin of its own; the
 * link works once, for this learner only.
 */
import { useState, type ReactNode } from "react";
import { useSandboxConnection } from "../terminal/SandboxConnectionProvider";

/** `machine`: in a lesson with several machines, whose port (node1 by default). */
export function PortLink({ port, machine, children }: { port: number | string; machine?: string; children?: ReactNode }) {
  const connection = useSandboxConnection(machine);
  const [note, setNote] = useState("");
  const open = async () => {
    // Open the tab during the click (popup blockers allow that), then point it at the link.
    // ("noopener" would make window.open return null, leaving nothing to point.) Cut the
    // tab's way back before it leaves about:blank: the learner's app must not script or
    // navigate this lesson page through window.opener.
    const tab = window.open("about:blank", "_blank");
    if (tab) tab.opener = null;
    try {
      if (!connection) throw new Error("The terminal is not connected yet; try again in a moment.");
      const url = await connection.portUrl(Number(port));
      if (tab) tab.location.href = url;
      else window.location.href = url;
      setNote("");
    } catch (error) {
      tab?.close();
      setNote((error as Error).message);
    }
  };
  return (
    <span className="port-link">
      <button type="button" className="button-small" onClick={() => void open()}>
        {children ?? `Open port ${port}`} ↗
      </button>
      {note && <span className="run-note"> {note}</span>}
    </span>
  );
}
