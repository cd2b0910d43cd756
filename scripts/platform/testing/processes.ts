/** What tests of process supervision look at: trees of processes, and whether ports are free. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { isRunning, processTable, type ProcessInfo } from "../process-group";

/** A process and every running descendant of it (ended ones excluded: see isRunning). */
export function tree(root: number): ProcessInfo[] {
  const table = processTable();
  const found = table.filter((p) => p.pid === root && isRunning(p));
  for (let i = 0; i < found.length; i++) {
    for (const p of table) if (p.ppid === found[i]!.pid && isRunning(p)) found.push(p);
  }
  return found;
}

/** Those of `processes` still running (the same process: same pid and start time, not ended). */
export function stillRunning(processes: ProcessInfo[]): ProcessInfo[] {
  const now = new Map(processTable().map((p) => [p.pid, p]));
  return processes.filter((p) => {
    const current = now.get(p.pid);
    return current !== undefined && current.startTime === p.startTime && isRunning(current);
  });
}

/** The command line of a process ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Who listens on a port, as `ss` says it (for failure messages). */
export function portHolder(port: number): string {
  try {
    return execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).trim() || "nobody";
  } catch {
    return "unknown (no ss)";
  }
}

/**
 * True when nothing listens on the port (a connection to it is refused). Not "this process
 * could bind it": on a busy machine a port from the ephemeral range may be in use by some
 * other program's outgoing connection, which says nothing about what we left behind.
 */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}
