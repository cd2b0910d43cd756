/**
 * Hands a container's own cgroup to the container's root user, so that an engine nested
 * inside it (the `docker` template) can create its containers' cgroups there.
 *
 * Why: with user-namespace remapping a sandbox's root is an ordinary host uid (100000 by
 * default). Docker creates the sandbox's cgroup directories as the host's root, so the
 * nested engine gets "mkdir /sys/fs/cgroup/cpuset/docker: permission denied". Delegation
 * is the kernel's own model for this (cgroup v2: chown the directory and its
 * `cgroup.procs`, `cgroup.threads`, `cgroup.subtree_control`; v1 the same with `tasks`):
 * the owner may create child cgroups and move processes between them, but the *limit
 * files* of the sandbox's cgroup stay the host root's, so the sandbox cannot raise its
 * own memory, CPU or process limits, and a child cgroup can never have more than its
 * parent.
 *
 * Must run on the engine's host (it writes the host's cgroup filesystem); the paths come
 * from the container's init process as the host sees it.
 */
import { chown, readFile } from "node:fs/promises";
import path from "node:path";

/** One line of /proc/<pid>/cgroup: the hierarchy's controllers ("" for cgroup v2) and the cgroup's path in it. */
export interface CgroupMembership {
  controllers: string[];
  path: string;
}

/** A mounted cgroup hierarchy of the host, from /proc/self/mountinfo. */
export interface CgroupMount {
  mountPoint: string;
  /** The hierarchy's root as seen at that mount (normally "/"). */
  root: string;
  version: 1 | 2;
  /** cgroup v1: the controllers (and `name=` entries) the hierarchy carries. */
  controllers: string[];
}

export function parseProcCgroup(text: string): CgroupMembership[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [, controllers = "", ...rest] = line.split(":");
      return { controllers: controllers ? controllers.split(",") : [], path: rest.join(":") };
    });
}

/** mountinfo fields: id parent major:minor root mountpoint options [optional…] - fstype source superoptions */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const separator = line.indexOf(" - ");
    if (separator < 0) continue;
    const fields = line.slice(0, separator).split(" ");
    const [fsType, , superOptions = ""] = line.slice(separator + 3).split(" ");
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    const root = unescapeMountPath(fields[3] ?? "/");
    const mountPoint = unescapeMountPath(fields[4] ?? "");
    const known = new Set(["rw", "ro", "relatime", "nosuid", "nodev", "noexec", "clone_children", "noprefix", "xattr"]);
    const controllers =
      fsType === "cgroup" ? superOptions.split(",").filter((option) => !known.has(option) && !option.startsWith("release_agent=")) : [];
    mounts.push({ mountPoint, root, version: fsType === "cgroup2" ? 2 : 1, controllers });
  }
  return mounts;
}

function unescapeMountPath(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The first line of uid_map / gid_map: which host id the namespace's 0 is. */
export function parseIdMap(text: string): { inside: number; outside: number; count: number } | null {
  const [inside, outside, count] = text.trim().split(/\s+/).map(Number);
  if (![inside, outside, count].every((n) => Number.isInteger(n))) return null;
  return { inside: inside!, outside: outside!, count: count! };
}

/** A cgroup directory of the host to hand over, and the files in it that go with it. */
export interface Delegation {
  directory: string;
  /** What lets the owner create children and move processes; never the limit files. */
  files: string[];
}

/** For each of a process's hierarchies mounted on the host: its cgroup directory there. */
export function delegations(memberships: CgroupMembership[], mounts: CgroupMount[]): Delegation[] {
  const result: Delegation[] = [];
  for (const membership of memberships) {
    const v2 = membership.controllers.length === 0;
    const mount = v2
      ? mounts.find((m) => m.version === 2)
      : mounts.find((m) => m.version === 1 && membership.controllers.every((c) => m.controllers.includes(c)));
    if (!mount) continue;
    // A mount of a sub-tree (root ≠ "/") shows the cgroup relative to that root.
    const relative = path.posix.relative(mount.root, membership.path);
    if (relative.startsWith("..") || relative === "") continue;
    const directory = path.join(mount.mountPoint, relative);
    const files = v2 ? ["cgroup.procs", "cgroup.threads", "cgroup.subtree_control"] : ["cgroup.procs", "tasks"];
    result.push({ directory, files: files.map((file) => path.join(directory, file)) });
  }
  return result;
}

/**
 * Gives the cgroups of process `pid` (as the host sees it) to the uid and gid its user
 * namespace maps root to. Does nothing for a process whose root is the host's root (no
 * user namespace: it can write its cgroups already). Rejects when the host's cgroup
 * filesystem cannot be changed (not root, or not on the engine's host).
 */
export async function delegateCgroups(pid: number, proc = "/proc"): Promise<void> {
  const [cgroupText, uidMap, gidMap, mountinfo] = await Promise.all([
    readFile(`${proc}/${pid}/cgroup`, "utf8"),
    readFile(`${proc}/${pid}/uid_map`, "utf8"),
    readFile(`${proc}/${pid}/gid_map`, "utf8"),
    readFile(`${proc}/self/mountinfo`, "utf8"),
  ]);
  const uid = parseIdMap(uidMap);
  const gid = parseIdMap(gidMap);
  if (!uid || !gid || uid.inside !== 0 || gid.inside !== 0) throw new Error(`Process ${pid} has no root in its user namespace.`);
  if (uid.outside === 0) return;
  const handOver = delegations(parseProcCgroup(cgroupText), parseCgroupMounts(mountinfo));
  if (handOver.length === 0) throw new Error(`No cgroup of process ${pid} is mounted on this host.`);
  for (const { directory, files } of handOver) {
    await chown(directory, uid.outside, gid.outside);
    for (const file of files) {
      // cgroup.threads exists only where the kernel has threaded cgroups.
      await chown(file, uid.outside, gid.outside).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
  }
}
