/** The platform registry (scripts/registry.sh, started by the test prerequisites) answers what it can serve. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PlatformRegistry } from "../src/registry/platform-registry";
import { testConfig } from "./support/harness";

describe("platform registry", () => {
  it("says which of a lesson's images it has", async () => {
    const registry = new PlatformRegistry(testConfig().DOJO_REGISTRY_SOCKET_DIR);
    expect(await registry.availability(["busybox", "python:3", "registry:2", "no-such-image:1"])).toEqual({
      reachable: true,
      images: [
        { image: "busybox", ready: true },
        { image: "python:3", ready: true },
        { image: "registry:2", ready: true },
        { image: "no-such-image:1", ready: false },
      ],
    });
  });

  it("says so when it does not answer", async () => {
    const registry = new PlatformRegistry(mkdtempSync(path.join(tmpdir(), "no-registry-")));
    expect(await registry.availability(["busybox"])).toEqual({ reachable: false, images: [{ image: "busybox", ready: false }] });
  });
});
