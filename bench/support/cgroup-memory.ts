/**
 * Memory charged to a container's cgroup, read from the cgroup filesystem: v1 with the
 * cgroupfs driver (this machine: /sys/fs/cgroup/memory/docker/<id>/), or v2 (cgroupfs or
 * systemd driver paths).
 */
import { existsSync, readFileSync } from "node:fs";

export interface ContainerMemory {
  /** Everything charged: anonymous memory, page cache, kernel memory. */
  usageBytes: number;
  /** usage minus inactive file cache: the figure `docker stats` shows. */
  workingSetBytes: number;
  /** Anonymous memory of the container's processes. */
  anonBytes: number;
}

function statMap(file: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [key, value] = line.split(" ");
    if (key && value) map.set(key, Number(value));
  }
  return map;
}

/** The processes in a container's (memory) cgroup itself, not in cgroups below it; empty when it is not where we look. */
export function containerPids(id: string): number[] {
  for (const dir of [`/sys/fs/cgroup/memory/docker/${id}`, `/sys/fs/cgroup/docker/${id}`, `/sys/fs/cgroup/system.slice/docker-${id}.scope`]) {
    if (!existsSync(`${dir}/cgroup.procs`)) continue;
    return readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").filter(Boolean).map(Number);
  }
  return [];
}

/** The container's memory, or null when its cgroup is not where we look. */
export function containerMemory(id: string): ContainerMemory | null {
  const v1 = `/sys/fs/cgroup/memory/docker/${id}`;
  if (existsSync(`${v1}/memory.usage_in_bytes`)) {
    const usage = Number(readFileSync(`${v1}/memory.usage_in_bytes`, "utf8"));
    const stat = statMap(`${v1}/memory.stat`);
    const inactiveFile = stat.get("total_inactive_file") ?? 0;
    return { usageBytes: usage, workingSetBytes: Math.max(0, usage - inactiveFile), anonBytes: (stat.get("total_rss") ?? 0) + (stat.get("total_rss_huge") ?? 0) };
  }
  for (const v2 of [`/sys/fs/cgroup/docker/${id}`, `/sys/fs/cgroup/system.slice/docker-${id}.scope`]) {
    if (!existsSync(`${v2}/memory.current`)) continue;
    const usage = Number(readFileSync(`${v2}/memory.current`, "utf8"));
    const stat = statMap(`${v2}/memory.stat`);
    return { usageBytes: usage, workingSetBytes: Math.max(0, usage - (stat.get("inactive_file") ?? 0)), anonBytes: stat.get("anon") ?? 0 };
  }
  return null;
}
