import { describe, expect, it } from "vitest";
import { delegations, parseCgroupMounts, parseIdMap, parseProcCgroup } from "./cgroup-delegation";

// As read on this project's hosts: cgroup v1 with each controller apart, plus the unified v2 tree.
const MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpu\\040acct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
50 23 0:40 / /proc rw - proc proc rw`;

const ID = "40b6298b9184";
const PROC_CGROUP = `9:name=systemd:/docker/${ID}
4:memory:/docker/${ID}
2:cpuacct:/docker/${ID}
1:cpu:/docker/${ID}
7:blkio:/docker/${ID}
0::/docker/${ID}
`;

describe("cgroup delegation", () => {
  it("reads which controllers each host hierarchy carries, unescaping mount points", () => {
    const mounts = parseCgroupMounts(MOUNTINFO);
    expect(mounts.map((m) => [m.mountPoint, m.version, m.controllers])).toEqual([
      ["/sys/fs/cgroup/cpu", 1, ["cpu"]],
      ["/sys/fs/cgroup/cpu acct", 1, ["cpuacct"]],
      ["/sys/fs/cgroup/memory", 1, ["memory"]],
      ["/sys/fs/cgroup/systemd", 1, ["name=systemd"]],
      ["/sys/fs/cgroup/unified", 2, []],
    ]);
  });

  it("hands over each cgroup directory with only the files that create children and move processes", () => {
    const handOver = delegations(parseProcCgroup(PROC_CGROUP), parseCgroupMounts(MOUNTINFO));
    const memory = handOver.find((d) => d.directory === `/sys/fs/cgroup/memory/docker/${ID}`);
    expect(memory?.files).toEqual([`/sys/fs/cgroup/memory/docker/${ID}/cgroup.procs`, `/sys/fs/cgroup/memory/docker/${ID}/tasks`]);
    const unified = handOver.find((d) => d.directory === `/sys/fs/cgroup/unified/docker/${ID}`);
    expect(unified?.files.map((f) => f.split("/").pop())).toEqual(["cgroup.procs", "cgroup.threads", "cgroup.subtree_control"]);
    // Never a limit file.
    expect(handOver.flatMap((d) => d.files).some((f) => /limit|max|quota|shares/.test(f))).toBe(false);
    // blkio is not mounted in this fixture: skipped, not guessed.
    expect(handOver.map((d) => d.directory)).toHaveLength(5);
  });

  it("never hands over a hierarchy's root or anything outside the mounted sub-tree", () => {
    const subtree = parseCgroupMounts("35 31 0:32 /docker /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory");
    expect(delegations(parseProcCgroup("4:memory:/docker\n"), subtree)).toEqual([]);
    expect(delegations(parseProcCgroup("4:memory:/other/x\n"), subtree)).toEqual([]);
    expect(delegations(parseProcCgroup("4:memory:/docker/abc\n"), subtree)).toEqual([
      { directory: "/sys/fs/cgroup/memory/abc", files: ["/sys/fs/cgroup/memory/abc/cgroup.procs", "/sys/fs/cgroup/memory/abc/tasks"] },
    ]);
  });

  it("reads where a user namespace maps its root", () => {
    expect(parseIdMap("         0     100000      65536\n")).toEqual({ inside: 0, outside: 100000, count: 65536 });
    expect(parseIdMap("         0          0 4294967295\n")).toEqual({ inside: 0, outside: 0, count: 4294967295 });
    expect(parseIdMap("")).toBeNull();
  });
});
