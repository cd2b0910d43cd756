/**
 * The seccomp profiles of sandboxes: lists of system calls refused, everything else
 * allowed. Two layers sit under them: user namespaces (a sandbox's root is an ordinary
 * host uid, so the kernel refuses host-wide changes whatever the capabilities say) and
 * each template's capabilities. These lists keep refusing on a kernel where a namespaced
 * check turns out to have a hole, and refuse what neither layer guards: the kernel
 * keyring, io_uring, userfaultfd, perf, bpf, and btrfs subvolumes.
 *
 * Why not Docker's default profile: it refuses mount, unshare and pivot_root, without
 * which no nested engine starts (`docker` template), and it allows creating btrfs
 * subvolumes, which escape the disk limit (both templates; see BTRFS_SUBVOLUME_IOCTLS).
 */

/** Refused with EPERM, as a missing privilege is. */
const MACHINE_WIDE = [
  // Kernel modules and replacing the kernel.
  "init_module", "finit_module", "delete_module", "create_module", "kexec_load", "kexec_file_load",
  // The machine's clock, swap, accounting, kernel log and quotas.
  "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "swapon", "swapoff", "acct", "syslog", "quotactl",
  // Escapes of the past (open_by_handle_at: "shocker") and raw hardware access.
  "open_by_handle_at", "iopl", "ioperm", "uselib", "lookup_dcookie", "nfsservctl", "vm86", "vm86old", "_sysctl",
  // Kernel attack surface no lesson needs.
  "bpf", "perf_event_open", "userfaultfd", "fanotify_init",
];

/**
 * Refused with ENOSYS ("not implemented"), so programs fall back as on a kernel without
 * them: runc treats a keyring it cannot create that way, and io_uring users fall back to
 * ordinary reads. The keyring is not isolated per sandbox (its quota is per host uid,
 * which every sandbox shares), and io_uring has been a rich source of kernel exploits.
 */
const NOT_IMPLEMENTED = ["add_key", "request_key", "keyctl", "io_uring_setup", "io_uring_enter", "io_uring_register"];

/**
 * A shell sandbox has no business creating namespaces or mounting anything (it holds no
 * CAP_SYS_ADMIN either); refusing the calls keeps unprivileged user namespaces, a common
 * first step of kernel exploits, out of its reach. `clone` itself is needed by every
 * program, so only its namespace flags are refused; `clone3` cannot be filtered by flag
 * (they sit in a struct) and is answered ENOSYS, so the C library falls back to `clone`.
 */
const NAMESPACES_AND_MOUNTS = [
  "unshare", "setns", "mount", "umount", "umount2", "pivot_root", "chroot",
  "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
];
const CLONE_NAMESPACE_FLAGS = 0x7e020000; // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET

/**
 * btrfs subvolumes need no privilege to create, and each new one is its own quota group
 * with no limit: a learner who made one could write past SANDBOX_DISK_MB until the
 * engine's disk is full, and a full parent can then no longer be deleted ("disk quota
 * exceeded"), so the sandbox could not even be removed. ioctl(fd, request): refused by
 * request number (x86_64 values of _IOW(0x94, n, 4096 bytes)).
 */
const BTRFS_SUBVOLUME_IOCTLS = {
  BTRFS_IOC_SNAP_CREATE: 0x50009401,
  BTRFS_IOC_SUBVOL_CREATE: 0x5000940e,
  BTRFS_IOC_SNAP_CREATE_V2: 0x50009417,
  BTRFS_IOC_SUBVOL_CREATE_V2: 0x50009418,
};

const EPERM = 1;
const ENOSYS = 38;

interface Rule {
  names: string[];
  action: "SCMP_ACT_ERRNO";
  errnoRet: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: "SCMP_CMP_EQ" | "SCMP_CMP_MASKED_EQ" }>;
}

const refuse = (names: string[], errnoRet = EPERM): Rule => ({ names, action: "SCMP_ACT_ERRNO", errnoRet });

const COMMON: Rule[] = [
  refuse(MACHINE_WIDE),
  refuse(NOT_IMPLEMENTED, ENOSYS),
  ...Object.values(BTRFS_SUBVOLUME_IOCTLS).map((request): Rule => ({ ...refuse(["ioctl"]), args: [{ index: 1, value: request, op: "SCMP_CMP_EQ" }] })),
];

const profile = (rules: Rule[]) => JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: rules });

/** `docker` sandboxes: a nested engine mounts, unshares and pivots; the rest of COMMON holds. */
export const NESTED_ENGINE_SECCOMP_PROFILE = profile(COMMON);

/** `shell` sandboxes: COMMON, plus no namespaces and no mounts. */
export const SHELL_SECCOMP_PROFILE = profile([
  ...COMMON,
  refuse(NAMESPACES_AND_MOUNTS),
  refuse(["clone3"], ENOSYS),
  // Refused when any namespace flag is set: (flags & mask) != 0, written as one rule per
  // flag since seccomp compares (arg & mask) == value.
  ...namespaceFlags(CLONE_NAMESPACE_FLAGS).map((flag): Rule => ({ ...refuse(["clone"]), args: [{ index: 0, value: flag, valueTwo: flag, op: "SCMP_CMP_MASKED_EQ" }] })),
]);

function namespaceFlags(mask: number): number[] {
  const flags: number[] = [];
  for (let bit = 0; bit < 32; bit++) if (mask & (1 << bit)) flags.push(1 << bit);
  return flags;
}
