/**
 * `shell`: a plain Debian box (images/shell). Unprivileged: every capability dropped but
 * the few a root shell needs to manage its own files and processes, no privilege
 * escalation, no network, no Docker socket, no host paths, bounded memory, CPU, pids and
 * (where the storage driver allows) disk.
 */
import type { Config } from "../../../shared/config";
import type { SandboxTemplate } from "./template";

/** Enough for a root shell to chown/chmod, kill its own processes and run setuid tools. */
const SHELL_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "NET_BIND_SERVICE"];

export function shellTemplate(config: Config): SandboxTemplate {
  const memoryBytes = config.SANDBOX_MEMORY_MB * 1024 * 1024;
  return {
    name: "shell",
    containerSpec: ({ name, hostname, labels }) => ({
      name,
      hostname,
      labels,
      image: config.SHELL_IMAGE,
      cmd: ["sleep", "infinity"],
      diskLimitMb: config.SANDBOX_DISK_MB,
      hostConfig: {
        NetworkMode: "none",
        Memory: memoryBytes,
        // Equal to Memory: no swap, so a memory hog meets the OOM killer instead of thrashing.
        MemorySwap: memoryBytes,
        NanoCpus: Math.round(config.SANDBOX_CPUS * 1e9),
        PidsLimit: config.SANDBOX_PIDS_LIMIT,
        CapDrop: ["ALL"],
        CapAdd: SHELL_CAPABILITIES,
        SecurityOpt: ["no-new-privileges"],
        // tini as PID 1 reaps the zombies that learners' background jobs leave behind.
        Init: true,
        LogConfig: { Type: "none", Config: {} },
      },
    }),
    shell: {
      cmd: ["bash", "-l"],
      env: ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"],
      workingDir: "/root",
    },
  };
}
