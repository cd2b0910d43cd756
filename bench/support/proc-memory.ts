/** Memory of host processes, from /proc (Linux). */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export const MiB = 1024 * 1024;

export interface ProcessMemory {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM). */
  hwmBytes: number;
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** VmRSS and VmHWM of a process, or null when it is gone. */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return { rssBytes: statusField(status, "VmRSS"), hwmBytes: statusField(status, "VmHWM") };
  } catch {
    return null;
  }
}

/** MemAvailable of /proc/meminfo: what new processes can use without swapping. */
export function memAvailableBytes(): number {
  return statusField(readFileSync("/proc/meminfo", "utf8"), "MemAvailable");
}

export function memTotalBytes(): number {
  return statusField(readFileSync("/proc/meminfo", "utf8"), "MemTotal");
}

interface ProcessEntry {
  pid: number;
  comm: string;
  argv: string[];
}

function processes(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      entries.push({ pid: Number(name), comm, argv });
    } catch {
      // exited meanwhile
    }
  }
  return entries;
}

const sumRss = (pids: number[]) => pids.reduce((sum, pid) => sum + (processMemory(pid)?.rssBytes ?? 0), 0);

/**
 * Proportional set size: resident memory with each shared page divided among the processes
 * sharing it. Summed over processes of one binary (the shims) it does not count the
 * binary's code once per process, as summed RSS does.
 */
function pssBytes(pid: number): number {
  try {
    return statusField(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"), "Pss");
  } catch {
    return 0;
  }
}

/** Anonymous memory of a process (heap, stacks: what it allocated, not its mapped files), from smaps_rollup. */
function anonymousBytes(pid: number): number {
  try {
    return statusField(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"), "Anonymous");
  } catch {
    return 0;
  }
}

/** Summed anonymous memory, PSS and RSS of those of these processes whose name (comm) is one of `names`. */
export function namedProcessesMemory(
  pids: readonly number[],
  names: readonly string[],
): { anonBytes: number; pssBytes: number; rssBytes: number; count: number } {
  const wanted = new Set(pids);
  const matching = processes()
    .filter((p) => wanted.has(p.pid) && names.includes(p.comm))
    .map((p) => p.pid);
  const sum = (read: (pid: number) => number) => matching.reduce((total, pid) => total + read(pid), 0);
  return { anonBytes: sum(anonymousBytes), pssBytes: sum(pssBytes), rssBytes: sumRss(matching), count: matching.length };
}

/** The pid namespace of a process (e.g. "pid:[4026531836]"), or null when it is gone. */
function pidNamespace(pid: number | "self"): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/**
 * Summed RSS of the host's dockerd and containerd only: those in this process's pid
 * namespace. Engines running inside `docker` sandboxes are also called dockerd and
 * containerd, and are already counted in their container's cgroup.
 */
export function hostDockerDaemonsRssBytes(): number {
  const own = pidNamespace("self");
  return sumRss(
    processes()
      .filter((p) => (p.comm === "dockerd" || p.comm === "containerd") && pidNamespace(p.pid) === own)
      .map((p) => p.pid),
  );
}

/**
 * Memory of the containerd shims of these containers (one `containerd-shim-runc-v2 -id
 * <container id>` per container): what each sandbox costs outside its cgroup. Summed PSS
 * (the shims share their binary's pages) and summed RSS.
 */
export function shimMemory(containerIds: readonly string[]): { pssBytes: number; rssBytes: number } {
  const wanted = new Set(containerIds);
  const pids = processes()
    .filter((p) => p.comm.startsWith("containerd-shim"))
    .filter((p) => {
      const id = p.argv[p.argv.indexOf("-id") + 1];
      return id !== undefined && wanted.has(id);
    })
    .map((p) => p.pid);
  return { pssBytes: pids.reduce((sum, pid) => sum + pssBytes(pid), 0), rssBytes: sumRss(pids) };
}

/** Samples a process's RSS every `intervalMs` while running; reports the peak seen. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 20,
  ) {}

  start(): this {
    this.peak = processMemory(this.pid)?.rssBytes ?? 0;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, processMemory(this.pid)?.rssBytes ?? 0);
    }, this.intervalMs);
    return this;
  }

  /** Stops sampling; returns the peak RSS in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, processMemory(this.pid)?.rssBytes ?? 0);
    return this.peak;
  }
}
