import { describe, expect, it } from "vitest";
import { EngineError } from "../engine/errors";
import { FakeEngine } from "../engine/testing/fake-engine";
import { silentLogger } from "../log/logger";
import { BUSY_CPUS, cpuSetFor, CpuConfiner, nextConfinement, QUIET_CPUS } from "./cpu-confiner";

describe("which CPUs a sandbox gets", () => {
  it("leaves CPU 0 to the others while it is busy, and gives every CPU back when it is quiet", () => {
    expect(cpuSetFor(2, true)).toBe("1");
    expect(cpuSetFor(2, false)).toBe("0-1");
    expect(cpuSetFor(16, true)).toBe("1-15");
    expect(cpuSetFor(16, false)).toBe("0-15");
  });

  it("has nothing to spare on a machine of one CPU", () => {
    expect(cpuSetFor(1, true)).toBeNull();
    expect(cpuSetFor(1, false)).toBeNull();
  });

  it("confines from BUSY_CPUS, frees below QUIET_CPUS, and leaves a sandbox in between as it is (no flapping)", () => {
    expect(nextConfinement(BUSY_CPUS, false)).toBe("confine");
    expect(nextConfinement(BUSY_CPUS - 0.01, false)).toBeNull();
    expect(nextConfinement(QUIET_CPUS, true)).toBeNull();
    expect(nextConfinement(QUIET_CPUS - 0.01, true)).toBe("free");
    expect(nextConfinement(2, true)).toBeNull();
    expect(nextConfinement(0, false)).toBeNull();
  });
});

describe("CpuConfiner", () => {
  async function withSandbox() {
    const engine = new FakeEngine();
    const { id } = await engine.createAndStart({ name: "dojo-test-a", hostname: "shell-a", image: "dojo/lab-shell:latest", labels: {}, cmd: ["sleep", "infinity"], hostConfig: {} });
    return { engine, sandbox: { id, hostname: "shell-a" }, confiner: new CpuConfiner(engine, silentLogger) };
  }

  it("narrows a busy sandbox once, and widens it once it is quiet", async () => {
    const { engine, sandbox, confiner } = await withSandbox();
    await confiner.observe(sandbox, 1.0, 2);
    await confiner.observe(sandbox, 0.9, 2);
    expect(engine.cpuSets.get(sandbox.id)).toEqual(["1"]);
    await confiner.observe(sandbox, 0.02, 2);
    expect(engine.cpuSets.get(sandbox.id)).toEqual(["1", "0-1"]);
    expect(confiner.confinedIds.size).toBe(0);
  });

  it("does not ask again for a sandbox whose CPU set the kernel refused to narrow", async () => {
    const { engine, sandbox, confiner } = await withSandbox();
    let asked = 0;
    engine.setCpus = async () => {
      asked++;
      throw new EngineError("cannot update container: cpuset.cpus: device or resource busy");
    };
    await confiner.observe(sandbox, 1.0, 2);
    await confiner.observe(sandbox, 1.0, 2);
    expect(asked).toBe(1);
  });

  it("forgets a sandbox that is gone", async () => {
    const { engine, sandbox, confiner } = await withSandbox();
    await confiner.observe(sandbox, 1.0, 2);
    await engine.remove(sandbox.id);
    await confiner.observe(sandbox, 0, 2);
    expect(confiner.confinedIds.size).toBe(0);
  });
});
