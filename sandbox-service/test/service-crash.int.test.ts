/**
 * The real service process killed with SIGKILL mid-session: after a restart learners get
 * their sandboxes back, and nothing of ours is left over.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../shared/db/migrate";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import { containersOf, newLearnerId, readyLearner, removeInstance, SECRET, testConfig } from "./support/harness";
import { startServiceProcess } from "./support/service-process";

const config = testConfig();
const port = 40_000 + Math.floor(Math.random() * 10_000);
const children: ChildProcess[] = [];
let database: TestDatabase;

beforeAll(async () => {
  database = await freshDatabase("sqlite");
  await migrate(database.url);
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await database.drop();
  await removeInstance(config.DOJO_INSTANCE);
});

async function startProcess(): Promise<ChildProcess> {
  const { child } = await startServiceProcess({
    DOJO_SECRET: SECRET,
    DOJO_INSTANCE: config.DOJO_INSTANCE,
    SANDBOX_PORT: String(port),
    SANDBOX_POOL_SIZE: "1",
    SANDBOX_DOCKER_POOL_SIZE: "0",
    DATABASE_URL: database.url,
  });
  children.push(child);
  return child;
}

describe("crash recovery", () => {
  it("after kill -9 and a restart, learners reconnect to their sandboxes and nothing leaks", async () => {
    const first = await startProcess();
    const alice = newLearnerId();
    const bob = newLearnerId();
    const aliceBefore = await readyLearner(port, { sub: alice });
    const bobBefore = await readyLearner(port, { sub: bob });
    await aliceBefore.run("echo alice-was-here > /root/mark");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));

    await startProcess();
    const aliceAfter = await readyLearner(port, { sub: alice });
    const bobAfter = await readyLearner(port, { sub: bob });
    expect(aliceAfter.sandbox.id).toBe(aliceBefore.sandbox.id);
    expect(bobAfter.sandbox.id).toBe(bobBefore.sandbox.id);
    expect(await aliceAfter.run("cat /root/mark")).toBe("alice-was-here");
    // Two claimed sandboxes plus the pool's one: nothing else of ours exists.
    await expect.poll(async () => (await containersOf(config.DOJO_INSTANCE)).length, { timeout: 15_000 }).toBe(3);
    aliceAfter.close();
    bobAfter.close();
  });
});
