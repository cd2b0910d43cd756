/**
 * The real service process stopped with SIGTERM (a restart, a deploy) mid-session: every
 * page is told in a sentence, a request in flight is still answered, sockets close with a
 * DISCONNECT (not a dropped connection), nothing is removed, and the next start gives
 * every learner their sandbox back.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { EVENTS, type SandboxInfo, type ServiceRestarting } from "../../shared/protocol";
import { migrate } from "../../shared/db/migrate";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import { containersOf, newLearnerId, readyLearner, removeInstance, SECRET, testConfig, TestLearner, token } from "./support/harness";
import { startServiceProcess, type ServiceProcess } from "./support/service-process";

const config = testConfig();
const port = 40_000 + Math.floor(Math.random() * 10_000);
const processes: ServiceProcess[] = [];
let database: TestDatabase;

beforeAll(async () => {
  database = await freshDatabase("sqlite");
  await migrate(database.url);
});

afterAll(async () => {
  for (const { child } of processes) child.kill("SIGKILL");
  await database.drop();
  await removeInstance(config.DOJO_INSTANCE);
});

async function start(): Promise<ServiceProcess> {
  const service = await startServiceProcess({
    DOJO_SECRET: SECRET,
    DOJO_INSTANCE: config.DOJO_INSTANCE,
    SANDBOX_PORT: String(port),
    // Cold sandboxes: opening one takes long enough to be in flight when SIGTERM arrives.
    SANDBOX_POOL_SIZE: "0",
    SANDBOX_DOCKER_POOL_SIZE: "0",
    DATABASE_URL: database.url,
  });
  processes.push(service);
  return service;
}

function heard<T>(learner: TestLearner, event: string): Promise<T> {
  return new Promise((resolve) => learner.socket.once(event as never, ((payload: T) => resolve(payload)) as never));
}

describe("graceful stop (SIGTERM)", () => {
  it("tells every page, answers the request in flight, closes cleanly, removes nothing; the next start gives everyone their sandbox back", async () => {
    onTestFailed(() => processes.forEach((service, i) => console.log(`--- service process ${i + 1} ---\n${service.log()}`)));
    const first = await start();
    const alice = await readyLearner(port, { sub: newLearnerId() });
    await alice.run("echo kept-across-restart > /root/mark");

    // Bob asks for a sandbox; SIGTERM arrives while it is being created.
    const bobId = newLearnerId();
    const bob = new TestLearner(port, { token: token({ sub: bobId }) });
    await bob.connected();
    const creating = new Promise<void>((resolve) =>
      bob.socket.on(EVENTS.sandboxStatus, (status) => {
        if (status.phase === "creating") resolve();
      }),
    );
    const bobOpen = bob.request<SandboxInfo>(EVENTS.sandboxOpen, {});
    await creating;
    const aliceTold = heard<ServiceRestarting>(alice, EVENTS.serviceRestarting);
    const bobTold = heard<ServiceRestarting>(bob, EVENTS.serviceRestarting);
    const aliceClosed = heard<string>(alice, "disconnect");

    first.child.kill("SIGTERM");

    // A sentence, before the socket closes.
    const told = await aliceTold;
    expect(told.message).toBe("The platform is restarting. Your sandbox and your files are kept; this page reconnects by itself in a moment.");
    expect((await bobTold).message).toBe(told.message);
    // The request accepted before the stop was answered, not dropped.
    const opened = await bobOpen;
    expect(opened.ok).toBe(true);
    const bobSandbox = opened.ok ? opened.value : undefined;
    // A DISCONNECT from the server, not a connection that just died.
    expect(await aliceClosed).toBe("io server disconnect");
    expect(await first.exited).toBe(0);
    expect(first.log()).not.toMatch(/sandbox removed/);

    // Nothing was removed: both sandboxes still run.
    const running = (await containersOf(config.DOJO_INSTANCE)).filter((c) => c.state === "running").map((c) => c.id);
    expect(running).toEqual(expect.arrayContaining([alice.sandbox.id, bobSandbox!.id]));

    await start();
    const aliceAgain = await readyLearner(port, { sub: alice.learnerId });
    expect(aliceAgain.sandbox.id).toBe(alice.sandbox.id);
    expect(await aliceAgain.run("cat /root/mark")).toBe("kept-across-restart");
    const bobAgain = await readyLearner(port, { sub: bobId });
    expect(bobAgain.sandbox.id).toBe(bobSandbox!.id);
    for (const learner of [alice, bob, aliceAgain, bobAgain]) learner.close();
  });
});
