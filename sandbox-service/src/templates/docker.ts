/**
 * `docker`: the shell sandbox plus a Docker engine of the learner's own (images/docker),
 * for lessons where learners run `docker` themselves.
 *
 * A nested engine needs root powers: mounting, network set-up, cgroups. What keeps a
 * hostile learner who holds them inside the sandbox:
 * - **A user namespace** (the host engine runs with --userns-remap): the sandbox's root is
 *   an ordinary uid on the host, so host-wide settings (/proc/sys, sysrq), devices,
 *   modules, the clock and other containers' files are out of its reach whatever its
 *   capabilities say. Without one this template refuses to start (see `unavailableOn`).
 * - **Only the capabilities the nested engine uses**: Docker's default set (which the
 *   nested engine grants its own containers, so the sandbox must hold it) plus SYS_ADMIN
 *   and NET_ADMIN; no SYS_MODULE, SYS_RAWIO, SYS_TIME, SYS_BOOT, SYSLOG, MAC_*, BPF…
 * - **A seccomp profile** (seccomp.ts) refusing what a nested engine never needs.
 * - **Its own cgroup, delegated** (engine/cgroup-delegation.ts): a private cgroup namespace
 *   makes the sandbox's cgroup the root of what it sees; dojo-docker-init mounts that view
 *   writable, and the service hands the directory (not its limit files) to the sandbox's
 *   root. Nested containers' cgroups are created inside the sandbox's, so its memory, CPU
 *   and process limits hold for them too, and it cannot raise them.
 * - **No network** (a playground machine: only its session's private network, see
 *   engine/bridge-lockdown.ts), no host Docker socket, no host path but the platform registry's
 *   socket folder, mounted read-only and owned by the host's root (a remount gains nothing:
 *   the sandbox's root may not change a folder of an unmapped owner).
 * - **A disk limit for everything it writes**, nested images and containers included: on
 *   btrfs or zfs the nested engine keeps its data inside the sandbox's own file system,
 *   whose size the host engine limits (SANDBOX_DOCKER_DISK_MB). Elsewhere (overlay2 cannot
 *   stack on itself) it gets an anonymous volume, removed with the sandbox, and no limit.
 *
 * /proc and /sys are not masked (systempaths=unconfined): the kernel lets a nested engine
 * mount a fresh /proc for its containers only when nothing hides parts of the existing
 * one. The user namespace is what keeps their host-wide files read-only.
 */
import type { ServiceConfig } from "../../../shared/config";
import type { EngineFacts } from "../engine/engine";
import { resourceLimits } from "./limits";
import { NESTED_ENGINE_SECCOMP_PROFILE } from "./seccomp";
import { shellTemplate } from "./shell";
import type { SandboxTemplate } from "./template";

/** Where images/docker/dojo-docker-init looks for the registry socket. */
const REGISTRY_MOUNT = "/opt/dojo/registry";

/** Docker's default capability set: the nested engine gives these to its containers. */
const DOCKER_DEFAULT_CAPABILITIES = [
  "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
  "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
];
/** Mounts (overlay, proc, cgroups) and its own bridge, veth pairs and iptables rules. */
const NESTED_ENGINE_CAPABILITIES = ["SYS_ADMIN", "NET_ADMIN"];
export const DOCKER_SANDBOX_CAPABILITIES = [...DOCKER_DEFAULT_CAPABILITIES, ...NESTED_ENGINE_CAPABILITIES];

/**
 * On a private network Docker's DNS answers the machines' names at once, but forwards any
 * other name to resolvers it cannot reach (no route out) and the lookup waits for them:
 * 2 × 5 s by default. One try of 2 s makes a typo fail quickly; much lower and a busy
 * host's answer for a machine's own name could come too late.
 */
const PRIVATE_NETWORK_DNS_OPTIONS = ["timeout:2", "attempts:1"];

/** Storage drivers whose container size limit can hold a nested engine's data (overlay2 nests on them). */
const NESTABLE_LIMITED_DRIVERS = new Set(["btrfs", "zfs"]);

export function dockerTemplate(config: ServiceConfig): SandboxTemplate {
  const shell = shellTemplate(config);
  return {
    name: "docker",
    shell: shell.shell,
    networkable: true,
    limits: { memoryMb: config.SANDBOX_DOCKER_MEMORY_MB, diskMb: config.SANDBOX_DOCKER_DISK_MB },
    readiness: {
      // The client only once the socket exists: each `docker` run costs tens of ms of CPU,
      // and a start polled that way spends as much as the engine's own start on a busy
      // machine. dockerd listens before it serves, so the one `docker version` made once the
      // socket is there waits in the backlog and answers as soon as the API does.
      cmd: ["sh", "-c", "until [ -S /var/run/docker.sock ] && docker version >/dev/null 2>&1; do sleep 0.05; done"],
      timeoutMs: 30_000,
      message: "Starting Docker inside your sandbox…",
    },
    unavailableOn: (engine: EngineFacts) => {
      if (engine.userNamespaces || config.SANDBOX_DOCKER_RUNTIME || config.SANDBOX_ALLOW_HOST_ROOT) return null;
      return (
        "Docker lessons are switched off on this server: its Docker engine does not run sandboxes in a user namespace, " +
        "so a sandbox's root would be the server's root. An administrator can start the engine with user-namespace remapping " +
        "(scripts/docker-engine.sh does) to switch them on."
      );
    },
    containerSpec: ({ name, hostname, labels, network }, engine) => {
      const dataInSandbox = NESTABLE_LIMITED_DRIVERS.has(engine.storageDriver);
      return {
        name,
        hostname,
        labels,
        image: config.SANDBOX_DOCKER_IMAGE,
        cmd: ["/usr/local/sbin/dojo-docker-init"],
        diskLimitMb: config.SANDBOX_DOCKER_DISK_MB,
        delegateCgroup: true,
        ...(network ? { network: { name: network.name, aliases: [network.alias] } } : {}),
        hostConfig: {
          ...resourceLimits(config, config.SANDBOX_DOCKER_MEMORY_MB, config.SANDBOX_DOCKER_PIDS_LIMIT),
          ...(network ? { NetworkMode: network.name, DnsOptions: PRIVATE_NETWORK_DNS_OPTIONS } : {}),
          CapDrop: ["ALL"],
          CapAdd: DOCKER_SANDBOX_CAPABILITIES,
          SecurityOpt: [`seccomp=${NESTED_ENGINE_SECCOMP_PROFILE}`, "apparmor=unconfined"],
          // The API form of the CLI's `--security-opt systempaths=unconfined` (see above).
          MaskedPaths: [],
          ReadonlyPaths: [],
          CgroupnsMode: "private",
          Binds: [`${config.DOJO_REGISTRY_SOCKET_DIR}:${REGISTRY_MOUNT}:ro`],
          Tmpfs: { "/run": "rw,nosuid,nodev,mode=755" },
          // overlay2 cannot stack on the host's overlay2: there the nested engine's images live
          // in a volume, labelled like everything else and removed with the sandbox.
          ...(dataInSandbox ? {} : { Mounts: [{ Type: "volume", Target: "/var/lib/docker", VolumeOptions: { Labels: labels } }] }),
          ...(config.SANDBOX_DOCKER_RUNTIME ? { Runtime: config.SANDBOX_DOCKER_RUNTIME } : {}),
        },
      };
    },
  };
}
