/**
 * The seccomp profile of `docker` sandboxes: everything a nested Docker engine needs
 * (mount, unshare, pivot_root, seccomp for its own containers…) is allowed, and the system
 * calls no lesson needs and that act on the whole machine, or have been the way out of
 * containers before, are refused.
 *
 * Defence in depth: a sandbox's root is an ordinary host uid (user namespaces), so the
 * kernel refuses most of these already; this list keeps refusing them on a kernel where a
 * namespaced check turns out to have a hole, and refuses the calls that user namespaces do
 * not guard (the kernel keyring, io_uring, userfaultfd, perf, bpf). Docker's default
 * profile cannot be used: it refuses mount, unshare and pivot_root, without which no
 * nested engine starts.
 */

/** Refused with EPERM, as a missing privilege is. */
const REFUSED = [
  // Kernel modules and replacing the kernel.
  "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
  // The machine's clock, swap, accounting, kernel log and quotas.
  "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "swapon", "swapoff", "acct", "syslog", "quotactl",
  // Escapes of the past (open_by_handle_at: "shocker") and raw hardware access.
  "open_by_handle_at", "iopl", "ioperm", "uselib", "lookup_dcookie", "nfsservctl", "vm86", "vm86old",
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

const EPERM = 1;
const ENOSYS = 38;

export const NESTED_ENGINE_SECCOMP_PROFILE = JSON.stringify({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [
    { names: REFUSED, action: "SCMP_ACT_ERRNO", errnoRet: EPERM },
    { names: NOT_IMPLEMENTED, action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS },
  ],
});
