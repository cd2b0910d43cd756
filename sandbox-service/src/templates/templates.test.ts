import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/config";
import { TEMPLATE_NAMES } from "../../../shared/templates";
import { createTemplates } from "./registry";

const identity = { name: "dojo-x-00000000", hostname: "x-00000000", labels: { "dojo.managed": "true" } };

describe("sandbox templates", () => {
  const config = loadConfig({ DOJO_SECRET: "x".repeat(32) });
  const templates = createTemplates(config);

  it("implement every template a lesson may name", () => {
    expect([...templates.keys()].sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  it("keep plain shell sandboxes unprivileged: no capabilities beyond a root shell's, no network, no escalation", () => {
    const spec = templates.get("shell")!.containerSpec(identity);
    expect(spec.hostConfig).toMatchObject({ NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], Memory: 512 * 1024 * 1024 });
    expect(spec.hostConfig.CapAdd).not.toContain("SYS_ADMIN");
    expect(JSON.stringify(spec.hostConfig)).not.toMatch(/docker\.sock|Privileged/);
  });

  it("give docker sandboxes the verified capability set, still without a network or the host's Docker socket", () => {
    const spec = templates.get("docker")!.containerSpec(identity);
    expect(spec.hostConfig).toMatchObject({
      NetworkMode: "none",
      CapAdd: ["ALL"],
      CapDrop: ["SYS_RESOURCE"],
      Tmpfs: { "/run": expect.any(String) },
    });
    expect(spec.hostConfig.Privileged).toBeUndefined();
    expect(JSON.stringify(spec.hostConfig)).not.toContain("docker.sock");
    // The nested engine's storage is a labelled volume, so the reaper can find it.
    expect(spec.hostConfig.Mounts).toEqual([{ Type: "volume", Target: "/var/lib/docker", VolumeOptions: { Labels: identity.labels } }]);
    expect(spec.hostConfig.Binds).toContain(`${config.DOJO_REGISTRY_SOCKET_DIR}:/opt/dojo/registry:ro`);
    expect(templates.get("docker")!.readiness?.message).toBe("Starting Docker inside your sandbox…");
  });

  it("use a hardened runtime for docker sandboxes when one is configured", () => {
    const hardened = createTemplates(loadConfig({ DOJO_SECRET: "x".repeat(32), SANDBOX_DOCKER_RUNTIME: "sysbox-runc" }));
    expect(hardened.get("docker")!.containerSpec(identity).hostConfig.Runtime).toBe("sysbox-runc");
    expect(templates.get("docker")!.containerSpec(identity).hostConfig.Runtime).toBeUndefined();
  });
});
