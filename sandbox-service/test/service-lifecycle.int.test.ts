/** Timers, restarts and the reaper, against the real engine. */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../shared/db/client";
import { migrate } from "../../shared/db/migrate";
import { recentSandboxEvents } from "../../shared/db/sandbox-events";
import { freshDatabase } from "../../shared/db/testing/databases";
import { containerName, sandboxLabels } from "../src/sessions/identity";
import { containersOf, engine, manualClock, newLearnerId, readyLearner, removeInstance, startService, testConfig, untilDetached } from "./support/harness";

const instances: string[] = [];
function config(env: Record<string, string> = {}) {
  const c = testConfig(env);
  instances.push(c.DOJO_INSTANCE);
  return c;
}
afterAll(async () => {
  for (const instance of instances) await removeInstance(instance);
});

describe("sandbox lifecycle", () => {
  it("logs what happened to each sandbox in the database", async () => {
    const database = await freshDatabase("sqlite");
    await migrate(database.url);
    const db = createDatabase(database.url);
    const service = await startService(config(), { database: db });
    const learner = await readyLearner(service.port);
    expect((await learner.request("sandbox:reset", {})).ok).toBe(true);
    learner.close();
    await expect
      .poll(async () => (await recentSandboxEvents(db, 10)).map((e) => [e.kind, e.reason, e.learnerId === learner.learnerId]).reverse())
      .toEqual([
        ["created", null, true],
        ["removed", "reset", true],
        ["created", null, true],
      ]);
    await service.close();
    await database.drop();
  });

  it("removes a sandbox once no terminal has been attached for the idle timeout", async () => {
    const c = config({ SANDBOX_IDLE_TIMEOUT_SECONDS: "1" });
    const clock = manualClock();
    const service = await startService(c, { now: clock.now });
    const learner = await readyLearner(service.port);
    clock.advance(1200);
    await service.sweep();
    expect(await engine.inspect(learner.sandbox.id)).not.toBeNull(); // attached: not idle
    learner.close();
    await untilDetached(service, learner.sandbox.id);
    await service.sweep();
    expect(await engine.inspect(learner.sandbox.id)).not.toBeNull(); // just left: not idle yet
    clock.advance(1200);
    await service.sweep();
    expect(await engine.inspect(learner.sandbox.id)).toBeNull();
    await service.close();
  });

  it("removes a sandbox at its maximum lifetime and tells the learner why", async () => {
    const c = config({ SANDBOX_MAX_LIFETIME_SECONDS: "2" });
    const clock = manualClock();
    const service = await startService(c, { now: clock.now });
    const learner = await readyLearner(service.port);
    await service.sweep();
    expect(await engine.inspect(learner.sandbox.id)).not.toBeNull(); // not yet
    clock.advance(2100);
    await service.sweep();
    await expect.poll(() => learner.ended).toEqual([
      { sandboxId: learner.sandbox.id, reason: "lifetime", message: "Your sandbox reached its maximum lifetime and was removed." },
    ]);
    expect(await engine.inspect(learner.sandbox.id)).toBeNull();
    learner.close();
    await service.close();
  });

  it("after a restart, the learner gets the same sandbox back", async () => {
    const c = config();
    const sub = newLearnerId();
    const first = await startService(c);
    const before = await readyLearner(first.port, { sub });
    await before.run("echo survived > /root/proof");
    before.close();
    await first.close();

    const second = await startService(c);
    const after = await readyLearner(second.port, { sub });
    expect(after.sandbox.id).toBe(before.sandbox.id);
    expect(await after.run("cat /root/proof")).toBe("survived");
    after.close();
    await second.close();
  });

  it("on start, reaps what a previous run left behind and nobody owns, and leaves everything else alone", async () => {
    const c = config();
    const long = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const claim = { learner: newLearnerId(), lesson: "start-here", claimedAt: long, expiresAt: new Date(long.getTime() + 7200_000) };
    const create = (name: string, labels: Record<string, string>) =>
      engine.createAndStart({ name, hostname: "leftover", image: "dojo/busybox:latest", cmd: ["sleep", "3600"], labels, hostConfig: { NetworkMode: "none" } });
    const short = () => randomBytes(4).toString("hex");
    const expired = await create(containerName({ template: "shell", short: short(), claim }), sandboxLabels(c.DOJO_INSTANCE, "shell", long));
    const unowned = await create(`dojo-unowned-${short()}`, { "dojo.managed": "true", "dojo.instance": c.DOJO_INSTANCE });
    const unlabelled = await create(`not-ours-${short()}`, {});
    const otherInstance = await create(containerName({ template: "shell", short: short(), claim }), sandboxLabels(`${c.DOJO_INSTANCE}-x`, "shell", long));

    const service = await startService(c);
    expect(await engine.inspect(expired.id)).toBeNull();
    expect(await engine.inspect(unowned.id)).toBeNull();
    expect(await engine.inspect(unlabelled.id)).toMatchObject({ state: "running" });
    expect(await engine.inspect(otherInstance.id)).toMatchObject({ state: "running" });
    expect(await containersOf(c.DOJO_INSTANCE)).toEqual([]);
    await service.close();
    await engine.remove(unlabelled.id);
    await engine.remove(otherInstance.id);
  });
});
