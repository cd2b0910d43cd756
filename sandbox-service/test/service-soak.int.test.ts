/**
 * Sandboxes created and destroyed (with a shell each): nothing of ours is left behind.
 * 30 cycles in every test run (a leak of one object per cycle shows as 30, and the cycles
 * overlap five at a time, which is where a leak from a race would come from); the long soak
 * of the first round is `DOJO_SOAK_CYCLES=500 npx vitest run --project integration service-soak`.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { containersOf, newLearnerId, removeInstance, startService, testConfig } from "./support/harness";

const config = testConfig({ SANDBOX_POOL_SIZE: "2", SANDBOX_MAX_PER_LEARNER: "1000" });
const CYCLES = Number(process.env.DOJO_SOAK_CYCLES ?? 30);
const PARALLEL = 5;

afterAll(() => removeInstance(config.DOJO_INSTANCE));

function dockerCount(kind: "volume" | "network"): number {
  const out = execFileSync("docker", [kind, "ls", "-q", "--filter", `label=dojo.instance=${config.DOJO_INSTANCE}`], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).length;
}

describe("soak", () => {
  it(`${CYCLES} create/destroy cycles leave no container, volume or network behind`, { timeout: 600_000 }, async () => {
    const service = await startService(config);
    const dangling = execFileSync("docker", ["volume", "ls", "-q", "--filter", "dangling=true"], { encoding: "utf8" });
    let done = 0;
    const worker = async () => {
      while (done < CYCLES) {
        done++;
        const owner = { learner: newLearnerId(), lesson: "soak", template: "shell" };
        const sandbox = await service.manager.open(owner, () => {});
        const terminal = await service.manager.openTerminal(sandbox, "main", { cols: 80, rows: 24 });
        terminal.input("true\r");
        await service.manager.remove(sandbox, "reset");
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    await service.close();
    // Only the warm pool's two ready sandboxes remain (the next start reaps them: see sessions/claim-recorder.ts).
    const left = await containersOf(config.DOJO_INSTANCE);
    expect(left.map((c) => c.name).every((name) => /^dojo-shell-[a-f0-9]{8}$/.test(name))).toBe(true);
    expect(left.length).toBeLessThanOrEqual(2);
    expect(dockerCount("volume")).toBe(0);
    expect(dockerCount("network")).toBe(0);
    expect(execFileSync("docker", ["volume", "ls", "-q", "--filter", "dangling=true"], { encoding: "utf8" })).toBe(dangling);
  });
});
