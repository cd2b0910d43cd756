/**
 * `docker`: the shell sandbox plus a Docker engine of the learner's own (images/docker),
 * for lessons where learners run `docker` themselves.
 *
 * A nested dockerd needs nearly every capability: this is the capability set verified on
 * these hosts (Docker's privileged mode fails here, as CAP_SYS_RESOURCE is not in the
 * host's bounding set). It is close to privileged, so this template trusts the host's kernel isolation
 * less than `shell` does; SANDBOX_DOCKER_RUNTIME can name a hardened runtime (e.g.
 * sysbox-runc) where one is installed. See the README's security section.
 *
 * Its cgroups are its own: a private cgroup namespace makes the sandbox's cgroup the root
 * of what it sees, and dojo-docker-init mounts that view writable for the nested engine.
 * Nested containers' cgroups are then created inside the sandbox's, so its memory, CPU
 * and process limits hold for them too, and no sandbox can see another's cgroups.
 *
 * The sandbox still has no network: the platform registry arrives as a unix socket
 * mounted read-only, and nested containers live on networks inside the sandbox's own
 * network namespace. The nested engine's storage is an anonymous volume, removed with
 * the sandbox.
 */
import type { Config } from "../../../shared/config";
import { resourceLimits } from "./limits";
import { shellTemplate } from "./shell";
import type { SandboxTemplate } from "./template";

/** Where images/docker/dojo-docker-init looks for the registry socket. */
const REGISTRY_MOUNT = "/opt/dojo/registry";

export function dockerTemplate(config: Config): SandboxTemplate {
  const shell = shellTemplate(config);
  return {
    name: "docker",
    shell: shell.shell,
    readiness: {
      cmd: ["sh", "-c", "until docker info >/dev/null 2>&1; do sleep 0.1; done"],
      timeoutMs: 30_000,
      message: "Starting Docker inside your sandbox…",
    },
    containerSpec: ({ name, hostname, labels }) => ({
      name,
      hostname,
      labels,
      image: config.SANDBOX_DOCKER_IMAGE,
      cmd: ["/usr/local/sbin/dojo-docker-init"],
      diskLimitMb: config.SANDBOX_DISK_MB,
      hostConfig: {
        ...resourceLimits(config, config.SANDBOX_DOCKER_MEMORY_MB, config.SANDBOX_DOCKER_PIDS_LIMIT),
        CapAdd: ["ALL"],
        CapDrop: ["SYS_RESOURCE"],
        SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
        // The API form of the CLI's `--security-opt systempaths=unconfined`: /proc and /sys unmasked.
        MaskedPaths: [],
        ReadonlyPaths: [],
        DeviceCgroupRules: ["a *:* rwm"],
        CgroupnsMode: "private",
        Binds: [`${config.DOJO_REGISTRY_SOCKET_DIR}:${REGISTRY_MOUNT}:ro`],
        Tmpfs: { "/run": "rw,nosuid,nodev,mode=755" },
        // overlay2 cannot stack on the container's own overlay: the nested engine's images
        // live in a volume, labelled like everything else and removed with the sandbox.
        Mounts: [{ Type: "volume", Target: "/var/lib/docker", VolumeOptions: { Labels: labels } }],
        ...(config.SANDBOX_DOCKER_RUNTIME ? { Runtime: config.SANDBOX_DOCKER_RUNTIME } : {}),
      },
    }),
  };
}
