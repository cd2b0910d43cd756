"use client";
/** A lesson step's check: runs in the learner's sandbox (through the sandbox service) and says passed, or what is missing. */
import { useState } from "react";
import { useSandboxConnection } from "../terminal/SandboxConnectionProvider";
import { useWorkspace } from "./LessonWorkspace";

export function Check({ step }: { step: string }) {
  const { steps, passed, machines } = useWorkspace();
  const connection = useSandboxConnection();
  // "failed": the check ran and the step is not done; "error": it could not run (say why, and to try again).
  const [state, setState] = useState<"idle" | "checking" | "failed" | "error">("idle");
  const [message, setMessage] = useState("");
  const info = steps.find((s) => s.id === step);
  const title = info?.title ?? step;
  const isPassed = passed.has(step);

  const check = async () => {
    if (!connection) {
      setState("error");
      setMessage("The terminal is not connected yet; try again in a moment.");
      return;
    }
    setState("checking");
    try {
      // A pass reaches the workspace's progress through the connection (checkPassed).
      const result = await connection.check(step);
      if (result.passed) {
        setState("idle");
      } else {
        setState("failed");
        setMessage(result.message);
      }
    } catch (error) {
      setState("error");
      setMessage((error as Error).message);
    }
  };

  return (
    <div className={`check ${isPassed ? "check-passed" : ""}`} data-testid={`check-${step}`} data-passed={isPassed ? "true" : "false"}>
      <span className="check-mark" aria-hidden>
        {isPassed ? "✓" : "○"}
      </span>
      <span className="check-title">{title}</span>
      {machines.length > 0 && info && <span className="check-machine">on {info.machine}</span>}
      <button type="button" className="button-small" onClick={() => void check()} disabled={state === "checking"}>
        {state === "checking" ? "Checking…" : isPassed ? "Check again" : "Check"}
      </button>
      {isPassed && <span className="check-result">Passed</span>}
      {!isPassed && state === "failed" && (
        <p className="check-result check-hint" role="status">
          Not yet: {message}
        </p>
      )}
      {state === "error" && (
        <p className="check-result check-hint" role="status">
          {message}
        </p>
      )}
    </div>
  );
}
