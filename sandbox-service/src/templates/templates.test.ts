import { describe, expect, it } from "vitest";
import { loadServiceConfig } from "../../../shared/config";
import { TEMPLATE_NAMES } from "../../../shared/templates";
import type { EngineFacts } from "../engine/engine";
import { createTemplates } from "./catalog";

const identity = { name: "dojo-x-00000000", hostname: "x-00000000", labels: { "dojo.managed": "true" } };
const isolated: EngineFacts = { userNamespaces: true, storageDriver: "btrfs", liveRestore: true };
const hostRoot: EngineFacts = { userNamespaces: false, storageDriver: "overlay2", liveRestore: false };

/** System calls a template's seccomp profile refuses (all of them or, like ioctl, some uses). */
function refusedCalls(securityOpt: unknown): string[] {
  const seccomp = (securityOpt as string[]).find((option) => option.startsWith("seccomp="));
  expect(seccomp).toBeDefined();
  expect(seccomp).not.toBe("seccomp=unconfined");
  const profile = JSON.parse(seccomp!.slice("seccomp=".length)) as { defaultAction: string; syscalls: Array<{ names: string[] }> };
  expect(profile.defaultAction).toBe("SCMP_ACT_ALLOW");
  return profile.syscalls.flatMap((rule) => rule.names);
}

describe("sandbox templates", () => {
  const config = loadServiceConfig({ DOJO_SECRET: "x".repeat(32) });
  const templates = createTemplates(config);
  const docker = templates.get("docker")!;

  it("implement every template a lesson may name", () => {
    expect([...templates.keys()].sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  it("keep plain shell sandboxes unprivileged: no capabilities beyond a root shell's, no network, no escalation", () => {
    const spec = templates.get("shell")!.containerSpec(identity, isolated);
    expect(spec.hostConfig).toMatchObject({ NetworkMode: "none", CapDrop: ["ALL"], Memory: 512 * 1024 * 1024 });
    expect(spec.hostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(refusedCalls(spec.hostConfig.SecurityOpt)).toEqual(expect.arrayContaining(["unshare", "mount", "init_module", "keyctl", "ioctl"]));
    expect(spec.hostConfig.CapAdd).not.toContain("SYS_ADMIN");
    expect(JSON.stringify(spec.hostConfig)).not.toMatch(/docker\.sock|Privileged/);
    expect(templates.get("shell")!.unavailableOn(hostRoot)).toBeNull();
  });

  it("give docker sandboxes only the capabilities a nested engine uses, a seccomp filter, no network, no host socket", () => {
    const spec = docker.containerSpec(identity, isolated);
    expect(spec.hostConfig).toMatchObject({ NetworkMode: "none", CapDrop: ["ALL"], CgroupnsMode: "private", Tmpfs: { "/run": expect.any(String) } });
    const caps = spec.hostConfig.CapAdd as string[];
    expect(caps).toEqual(expect.arrayContaining(["SYS_ADMIN", "NET_ADMIN", "MKNOD"]));
    for (const dangerous of ["ALL", "SYS_MODULE", "SYS_RAWIO", "SYS_TIME", "SYS_BOOT", "SYSLOG", "SYS_PTRACE", "MAC_ADMIN", "BPF", "PERFMON", "DAC_READ_SEARCH"]) {
      expect(caps).not.toContain(dangerous);
    }
    const refused = refusedCalls(spec.hostConfig.SecurityOpt);
    expect(refused).toEqual(expect.arrayContaining(["init_module", "finit_module", "syslog", "keyctl", "bpf", "ioctl"]));
    // What a nested engine needs stays allowed.
    for (const needed of ["mount", "unshare", "pivot_root", "setns"]) expect(refused).not.toContain(needed);
    expect(spec.hostConfig.DeviceCgroupRules).toBeUndefined();
    expect(spec.hostConfig.Privileged).toBeUndefined();
    expect(spec.delegateCgroup).toBe(true);
    expect(JSON.stringify(spec.hostConfig)).not.toContain("docker.sock");
    expect(spec.hostConfig.Binds).toEqual([`${config.DOJO_REGISTRY_SOCKET_DIR}:/opt/dojo/registry:ro`]);
    expect(docker.readiness?.message).toBe("Starting Docker inside your sandbox…");
  });

  it("keep the nested engine's data under the sandbox's disk limit where the driver limits it, else in a labelled volume", () => {
    const limited = docker.containerSpec(identity, isolated);
    expect(limited.hostConfig.Mounts).toBeUndefined();
    expect(limited.diskLimitMb).toBe(config.SANDBOX_DOCKER_DISK_MB);
    const overlay = docker.containerSpec(identity, { ...isolated, storageDriver: "overlay2" });
    expect(overlay.hostConfig.Mounts).toEqual([{ Type: "volume", Target: "/var/lib/docker", VolumeOptions: { Labels: identity.labels } }]);
  });

  it("refuse docker sandboxes on an engine whose containers' root is the host's root, unless the operator says otherwise", () => {
    expect(docker.unavailableOn(isolated)).toBeNull();
    expect(docker.unavailableOn(hostRoot)).toMatch(/switched off on this server.*user namespace/);
    const allowed = createTemplates(loadServiceConfig({ DOJO_SECRET: "x".repeat(32), SANDBOX_ALLOW_HOST_ROOT: "1" }));
    expect(allowed.get("docker")!.unavailableOn(hostRoot)).toBeNull();
  });

  it("use a hardened runtime for docker sandboxes when one is configured (which brings its own user namespace)", () => {
    const hardened = createTemplates(loadServiceConfig({ DOJO_SECRET: "x".repeat(32), SANDBOX_DOCKER_RUNTIME: "sysbox-runc" }));
    expect(hardened.get("docker")!.containerSpec(identity, isolated).hostConfig.Runtime).toBe("sysbox-runc");
    expect(hardened.get("docker")!.unavailableOn(hostRoot)).toBeNull();
    expect(docker.containerSpec(identity, isolated).hostConfig.Runtime).toBeUndefined();
  });
});
