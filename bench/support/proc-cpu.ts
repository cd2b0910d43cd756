/**
 * CPU time used during a measurement, from /proc/<pid>/stat, as a percentage of one core:
 * by the benchmark's own process (the simulated clients), by the server side of the system
 * measured (a process and its descendants: the sandbox service, or wetty with its pty
 * children), and by the engine (dockerd, containerd and every containerd shim).
 */
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: clock ticks per second in /proc/<pid>/stat (100 on every common Linux build). */
const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid … utime stime …": comm may contain spaces and parentheses.
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    return {
      pid,
      ppid: Number(fields[1]),
      comm: text.slice(text.indexOf("(") + 1, close),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is Stat => stat !== null);
}

/** CPU seconds of a process and all its descendants. */
function treeCpuSeconds(root: number, stats: Stat[]): number {
  const children = new Map<number, Stat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let total = 0;
  const stack = stats.filter((s) => s.pid === root);
  while (stack.length > 0) {
    const stat = stack.pop()!;
    total += stat.cpuSeconds;
    stack.push(...(children.get(stat.pid) ?? []));
  }
  return total;
}

const isEngine = (stat: Stat) => stat.comm === "dockerd" || stat.comm === "containerd" || stat.comm.startsWith("containerd-shim");

export interface CpuShare {
  /** Percent of one core over the measurement. */
  clientPercent: number;
  serverPercent: number | null;
  enginePercent: number;
}

/**
 * Starts counting; the returned function stops and reports. The engine's figure counts
 * processes alive at both readings (a shim that came or went meanwhile is left out).
 */
export function meterCpu(serverPid?: number): () => CpuShare {
  const started = performance.now();
  const client = process.cpuUsage();
  const before = allStats();
  const server = serverPid === undefined ? 0 : treeCpuSeconds(serverPid, before);
  const engine = new Map(before.filter(isEngine).map((s) => [s.pid, s.cpuSeconds]));
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const after = allStats();
    const used = process.cpuUsage(client);
    const engineSeconds = after.filter(isEngine).reduce((sum, s) => sum + (engine.has(s.pid) ? s.cpuSeconds - engine.get(s.pid)! : 0), 0);
    const percent = (cpu: number) => Math.round((cpu / seconds) * 1000) / 10;
    return {
      clientPercent: percent((used.user + used.system) / 1e6),
      serverPercent: serverPid === undefined ? null : percent(treeCpuSeconds(serverPid, after) - server),
      enginePercent: percent(engineSeconds),
    };
  };
}
