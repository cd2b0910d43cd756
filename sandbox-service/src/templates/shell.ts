/**
 * `shell`: a plain Debian box (images/shell). Unprivileged: every capability dropped but
 * the few a root shell needs to manage its own files and processes, no privilege
 * escalation, a seccomp profile without namespaces, mounts or btrfs subvolumes
 * (seccomp.ts), no network, no Docker socket, no host paths, bounded memory, CPU, pids and
 * (where the storage driver allows) disk.
 */
import type { ServiceConfig } from "../../../shared/config";
import { resourceLimits } from "./limits";
import { SHELL_SECCOMP_PROFILE } from "./seccomp";
import type { SandboxTemplate } from "./template";

/** Enough for a root shell to chown/chmod, kill its own processes and run setuid tools. */
const SHELL_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "NET_BIND_SERVICE"];

export function shellTemplate(config: ServiceConfig): SandboxTemplate {
  return {
    name: "shell",
    // Unprivileged either way; user namespaces (where the engine has them) are a second wall.
    unavailableOn: () => null,
    limits: { memoryMb: config.SANDBOX_MEMORY_MB, diskMb: config.SANDBOX_DISK_MB },
    containerSpec: ({ name, hostname, labels }) => ({
      name,
      hostname,
      labels,
      image: config.SHELL_IMAGE,
      cmd: ["sleep", "infinity"],
      diskLimitMb: config.SANDBOX_DISK_MB,
      hostConfig: {
        ...resourceLimits(config, config.SANDBOX_MEMORY_MB, config.SANDBOX_PIDS_LIMIT),
        CapDrop: ["ALL"],
        CapAdd: SHELL_CAPABILITIES,
        SecurityOpt: ["no-new-privileges", `seccomp=${SHELL_SECCOMP_PROFILE}`],
      },
    }),
    shell: {
      cmd: ["bash", "-l"],
      env: ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"],
      workingDir: "/root",
    },
  };
}
