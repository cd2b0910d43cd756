/** The warm pool, capacity and extensions, against the real engine. */
import { afterAll, describe, expect, it } from "vitest";
import { readIdentity } from "../src/sessions/identity";
import { containersOf, engine, manualClock, newLearnerId, readyLearner, removeInstance, startService, testConfig, TestLearner, token, untilDetached } from "./support/harness";

const instances: string[] = [];
function config(env: Record<string, string>) {
  const c = testConfig(env);
  instances.push(c.DOJO_INSTANCE);
  return c;
}
afterAll(async () => {
  for (const instance of instances) await removeInstance(instance);
});

describe("warm pool", () => {
  it("hands out a ready sandbox whose prompt is already there, renamed to its learner, and refills", async () => {
    const c = config({ SANDBOX_POOL_SIZE: "2" });
    const service = await startService(c);
    const pooled = (await containersOf(c.DOJO_INSTANCE)).map((x) => x.id);
    expect(pooled).toHaveLength(2);

    const learner = new TestLearner(service.port, { token: token() });
    await learner.connected();
    const sandbox = await learner.openSandbox();
    expect(pooled).toContain(sandbox.id);
    const opened = await learner.openTerminal();
    // The shell started while the sandbox waited in the pool: the prompt comes with the replay.
    expect(Buffer.from(opened.data).toString()).toContain("# ");
    expect(await learner.run("hostname")).toBe(sandbox.hostname);

    const info = await engine.inspect(sandbox.id);
    expect(readIdentity(info!.name, info!.labels)?.claim?.lesson).toBe("start-here");
    await service.pool.fill();
    expect(service.pool.readyCount("shell")).toBe(2);
    expect(await containersOf(c.DOJO_INSTANCE)).toHaveLength(3);
    learner.close();
    await service.close();
  });

  it("never pools again what a previous run left unclaimed: the next start removes it and starts its own", async () => {
    const c = config({ SANDBOX_POOL_SIZE: "1" });
    const first = await startService(c);
    const [leftBehind] = (await containersOf(c.DOJO_INSTANCE)).map((x) => x.id);
    await first.close();

    // That run may have handed it to a learner just before it ended, its claim not yet in its name.
    const second = await startService(c);
    const now = (await containersOf(c.DOJO_INSTANCE)).map((x) => x.id);
    expect(now).not.toContain(leftBehind);
    expect(now).toHaveLength(1);
    const learner = new TestLearner(second.port, { token: token() });
    await learner.connected();
    const sandbox = await learner.openSandbox();
    expect(sandbox.id).toBe(now[0]);
    learner.close();
    await second.close();
  });
});

describe("capacity", () => {
  it("puts a learner in line when the platform is full, and lets them in when a sandbox goes", async () => {
    const c = config({ SANDBOX_MAX_TOTAL: "1", SANDBOX_IDLE_TIMEOUT_SECONDS: "1" });
    const clock = manualClock();
    const service = await startService(c, { now: clock.now });
    const first = await readyLearner(service.port);
    const second = new TestLearner(service.port, { token: token() });
    await second.connected();
    const statuses: string[] = [];
    second.socket.on("sandbox:status", (s) => statuses.push(s.message));
    const waiting = second.openSandbox();
    await expect.poll(() => statuses).toContain("Every sandbox on this platform is in use. You are number 1 in line; yours starts as soon as one is free.");

    first.close();
    await untilDetached(service, first.sandbox.id);
    clock.advance(1200);
    await service.sweep(); // the idle timeout removes the first sandbox
    const admitted = await waiting;
    expect(admitted.id).not.toBe(first.sandbox.id);
    expect(await containersOf(c.DOJO_INSTANCE)).toHaveLength(1);
    second.close();
    await service.close();
  });
});

describe("expiry", () => {
  it("warns before the maximum lifetime, and an extension moves it in the container's name", async () => {
    const c = config({ SANDBOX_MAX_LIFETIME_SECONDS: "20", SANDBOX_EXPIRY_WARNING_SECONDS: "19", SANDBOX_EXTENSION_SECONDS: "600" });
    const clock = manualClock();
    const service = await startService(c, { now: clock.now });
    const learner = await readyLearner(service.port, { sub: newLearnerId() });
    const warning = new Promise<{ canExtend: boolean }>((resolve) => learner.socket.once("sandbox:expiring", resolve));
    // The lifetime's end is rounded down to a whole second: past 1 s, at most 19 s are left.
    clock.advance(1100);
    await service.sweep();
    expect((await warning).canExtend).toBe(true);

    const answer = await learner.request<{ expiresAt: string }>("sandbox:extend", {});
    expect(answer.ok).toBe(true);
    const expiresAt = new Date(answer.ok ? answer.value.expiresAt : 0);
    expect(expiresAt.getTime() - clock.now()).toBeGreaterThan(600_000);
    const info = await engine.inspect(learner.sandbox.id);
    expect(readIdentity(info!.name, info!.labels)?.claim?.expiresAt.getTime()).toBe(expiresAt.getTime());
    learner.close();
    await service.close();
  });
});
