/**
 * Process groups: a program the supervisor starts leads a group of its own (spawned
 * `detached`, i.e. setsid), so it and everything it starts (`next dev`'s workers, a shell's
 * children) are signalled together and none is left behind holding a port.
 *
 * Waiting for a group to be gone has no event to wait on once the leader's own children
 * are orphaned, so it polls the process table. Zombies count as gone: they run nothing and
 * hold no port, and on hosts whose PID 1 does not reap (some containers and VMs) they
 * would otherwise be waited on forever. But a process whose main thread has exited shows
 * as a zombie while its other threads are still being torn down, holding its files (its
 * listening socket) until the last one ends: it only counts as gone once all are.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One letter, as in ps: R, S, D, Z, … */
  state: string;
  /** Clock ticks after boot: tells a process from a later one that got the same pid. */
  startTime: number;
  command: string;
}

const HAS_PROC = existsSync("/proc/self/stat");
/** How often a stop looks whether a group is gone. Too long only delays the next start. */
const POLL_MS = 50;

/** Every process on the machine (Linux /proc); empty where there is no /proc. */
export function processTable(): ProcessInfo[] {
  if (!HAS_PROC) return [];
  const table: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (command) state ppid pgrp session … starttime …": the command may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    table.push({
      pid: Number(entry),
      command: stat.slice(stat.indexOf("(") + 1, close),
      state: fields[0]!,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      startTime: Number(fields[19]),
    });
  }
  return table;
}

/** False once the process has ended: a zombie with no thread left running (see above). */
export function isRunning(process: Pick<ProcessInfo, "pid" | "state">): boolean {
  if (process.state !== "Z" && process.state !== "X") return true;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return false; // reaped meanwhile
  }
  return tasks.some((task) => {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${task}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      return state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  });
}

/** Members of a process group that have not ended. */
export function livingMembers(pgid: number): number[] {
  if (!HAS_PROC) return signal(pgid, 0) ? [pgid] : [];
  return processTable()
    .filter((p) => p.pgid === pgid && isRunning(p))
    .map((p) => p.pid);
}

/** Sends a signal to every process of the group; false when the group is empty. */
export function signal(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Resolves true once no member of the group runs, false if some still do after `timeoutMs`. */
export async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (livingMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Ends a group: SIGTERM (each program's own orderly stop), then SIGKILL for whatever still
 * runs after `graceMs`. Resolves once nothing of it runs.
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<"stopped" | "killed"> {
  signal(pgid, "SIGTERM");
  if (await waitGone(pgid, graceMs)) return "stopped";
  signal(pgid, "SIGKILL");
  await waitGone(pgid, 5000);
  return "killed";
}
