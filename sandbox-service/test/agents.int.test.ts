/**
 * Several machines (issue 12): two Docker engines on this machine (the second in a network
 * namespace of its own), an agent for each (A in this process, B a process of its own that
 * can be killed), one PostgreSQL database, and the web app's placement (lib/placement.ts,
 * what /api/sandbox-token runs) signing each learner's token for the agent it chose.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../lib/data/accounts";
import { placeLearner, type Placement } from "../../lib/placement";
import { allAgents, setDraining } from "../../shared/db/agents";
import { createDatabase, type Database } from "../../shared/db/client";
import { migrate } from "../../shared/db/migrate";
import { passedSteps } from "../../shared/db/progress";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import { createWorkshop, joinWorkshop, type Workshop } from "../../shared/db/workshops";
import { EVENTS, type DashboardSnapshot, type ShadowOpened } from "../../shared/protocol";
import { signInstructorToken, signSandboxToken } from "../../shared/token";
import type { RunningService } from "../src/service";
import { startSecondEngine, type SecondEngine } from "./support/second-engine";
import { newLearnerId, removeInstance, SECRET, startService, TestInstructor, testConfig, TestLearner } from "./support/harness";
import { freePort } from "../../shared/testing/free-port";

const LESSON = "start-here";
const STEP = "save-hostname";
/** Agents report every second and count as gone after three silent ones, so the test moves quickly. */
const LIVE_SECONDS = 3;
const MAX_PER_AGENT = 10;

let database: TestDatabase;
let db: Database;
let engineB: SecondEngine;
let agentA: RunningService;
let agentB: ChildProcess;
let agentBLog = "";
const urls = { a: "", b: "" };
const instance = testConfig().DOJO_INSTANCE;
const learners: TestLearner[] = [];

/** What the web app does for a lesson page: place the learner, sign the token for that agent. */
async function lessonPage(learnerId: string, extra: { workshop?: string } = {}): Promise<{ placement: Placement; learner: TestLearner & { hostname: string } }> {
  const placement = (await placeLearner(db, learnerId, LESSON, LIVE_SECONDS))!;
  expect(placement, "some agent is live").not.toBeNull();
  const token = signSandboxToken(
    { sub: learnerId, lesson: LESSON, template: "shell", agent: placement.agentId, exp: Math.floor(Date.now() / 1000) + 300, ...extra },
    SECRET,
  );
  const learner = new TestLearner(placement.publicUrl!, { token }) as TestLearner & { hostname: string };
  learners.push(learner);
  await learner.connected();
  learner.hostname = (await learner.openSandbox()).hostname;
  await learner.openTerminal();
  await learner.waitFor("# ");
  return { placement, learner };
}

async function untilLive(ids: string[], live = true): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const since = Date.now() - LIVE_SECONDS * 1000;
    const agents = await allAgents(db);
    const isLive = (id: string) => agents.some((a) => a.id === id && a.heartbeatAt.getTime() >= since);
    if (ids.every((id) => isLive(id) === live)) return;
    await sleep(100);
  }
  throw new Error(`agents ${ids.join(", ")} did not become ${live ? "live" : "silent"}; agent B said:\n${agentBLog}`);
}

beforeAll(async () => {
  database = await freshDatabase("postgresql");
  await migrate(database.url);
  db = createDatabase(database.url);
  engineB = await startSecondEngine(`dojo-it-${instance.slice(3)}`, ["dojo/lab-shell:latest"]);
  const [portA, portB] = [await freePort(), await freePort()];
  urls.a = `http://127.0.0.1:${portA}`;
  urls.b = `http://127.0.0.1:${portB}`;
  const common = { DATABASE_URL: database.url, DOJO_INSTANCE: instance, SANDBOX_MAX_TOTAL: String(MAX_PER_AGENT), AGENT_HEARTBEAT_SECONDS: "1" };
  agentA = await startService(testConfig({ ...common, AGENT_ID: "agent-a", AGENT_PUBLIC_URL: urls.a, SANDBOX_PORT: String(portA) }), {
    database: createDatabase(database.url),
  });
  agentB = spawn(process.execPath, ["--import", "tsx", "sandbox-service/src/main.ts"], {
    env: {
      ...process.env,
      ...common,
      DOJO_SECRET: SECRET,
      DOCKER_HOST: engineB.dockerHost,
      AGENT_ID: "agent-b",
      AGENT_PUBLIC_URL: urls.b,
      SANDBOX_PORT: String(portB),
      SANDBOX_POOL_SIZE: "0",
      SANDBOX_DOCKER_POOL_SIZE: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  agentB.stdout!.on("data", (chunk: Buffer) => (agentBLog += chunk.toString()));
  agentB.stderr!.on("data", (chunk: Buffer) => (agentBLog += chunk.toString()));
  await untilLive(["agent-a", "agent-b"]);
}, 180_000);

afterAll(async () => {
  for (const learner of learners) learner.close();
  if (agentB && agentB.exitCode === null) agentB.kill("SIGKILL");
  await agentA?.close();
  await removeInstance(instance);
  await engineB?.stop();
  await db?.$disconnect();
  await database?.drop();
}, 120_000);

describe("two agents", () => {
  const owner = randomUUID();
  let workshop: Workshop;
  let passerOnB = "";

  it("spreads learners over both agents, each in a sandbox of the engine its agent drives", async () => {
    const placed = { "agent-a": 0, "agent-b": 0 } as Record<string, number>;
    for (let i = 0; i < 12; i++) {
      const { placement, learner } = await lessonPage(newLearnerId());
      placed[placement.agentId]!++;
      expect(await learner.run("echo ready")).toBe("ready");
    }
    // Even, give or take one: free places are as of each agent's last heartbeat, and on a
    // loaded machine a heartbeat can land between a placement and its sandbox's start.
    expect(Math.abs(placed["agent-a"]! - placed["agent-b"]!), `placed: ${JSON.stringify(placed)}`).toBeLessThanOrEqual(2);
    // A's sandboxes are on the first engine (this process's manager tracks them), B's are not.
    expect(agentA.manager.list()).toHaveLength(placed["agent-a"]!);
  });

  it("lets an instructor connected through agent A see a pass made on agent B", async () => {
    await createAccount(db, { id: owner, email: `teacher-${owner}@example.org`, passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
    const hour = 3_600_000;
    workshop = await createWorkshop(db, { ownerId: owner, title: "Across machines", lessons: [LESSON], capacity: 20, opensAt: new Date(Date.now() - hour), closesAt: new Date(Date.now() + hour) });
    const seatedOnA: string[] = [];
    const instructorToken = signInstructorToken({ sub: owner, workshop: workshop.id, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET);
    const instructor = new TestInstructor(urls.a, instructorToken);
    try {
      // Learners are placed where there is most room: seat some until one lands on B.
      for (let i = 0; i < 4 && !passerOnB; i++) {
        const id = newLearnerId();
        expect(await joinWorkshop(db, { code: workshop.code, learnerId: id, displayName: `Learner ${i}` })).toMatchObject({ ok: true });
        const { placement, learner } = await lessonPage(id, { workshop: workshop.id });
        if (placement.agentId !== "agent-b") {
          seatedOnA.push(id);
          continue;
        }
        passerOnB = id;
        const watched = await instructor.request<DashboardSnapshot>(EVENTS.workshopWatch, {});
        // Agent A holds no sandbox of this learner; the first picture asks B for it.
        expect(watched.ok && watched.value.rows.find((row) => row.learnerId === id)?.sandbox).toBe("ready");
        await learner.run("hostname > ~/hostname.txt");
        const check = await learner.request<{ passed: boolean }>(EVENTS.checkRun, { step: STEP });
        expect(check).toMatchObject({ ok: true, value: { passed: true } });
      }
      expect(passerOnB, "a seated learner was placed on agent B").not.toBe("");
      // The pass was checked by agent B; the dashboard, on agent A, hears it through the cluster.
      for (let i = 0; i < 100 && !instructor.counts.some((c) => c.steps.some((s) => s.step === STEP && s.passed === 1)); i++) await sleep(100);
      expect(instructor.counts.at(-1)?.steps.find((s) => s.step === STEP)?.passed).toBe(1);
      expect(instructor.rows.some((row) => row.learnerId === passerOnB && row.stepsPassed === 1)).toBe(true);

      // Watching that learner: agent A sends the dashboard to B, which streams the terminal itself.
      expect(await instructor.request(EVENTS.workshopShadow, { learnerId: passerOnB })).toEqual({ ok: true, value: { moved: { agent: "agent-b", url: urls.b } } });
      const onB = new TestInstructor(urls.b, instructorToken);
      try {
        const opened = await onB.request<ShadowOpened>(EVENTS.workshopShadow, { learnerId: passerOnB });
        expect(opened.ok).toBe(true);
        if (opened.ok) expect(Buffer.from(opened.value.data).toString()).toContain("hostname > ~/hostname.txt");
        // A learner on A is watched on A, as on one machine.
        if (seatedOnA[0]) expect(await instructor.request(EVENTS.workshopShadow, { learnerId: seatedOnA[0] })).toMatchObject({ ok: true, value: { instance: expect.any(String) } });
      } finally {
        onB.close();
      }
    } finally {
      instructor.close();
    }
  });

  it("sends no new learner to a drained agent, which refuses one in a sentence and keeps its own", async () => {
    expect(await setDraining(db, "agent-a", true)).toBe(true);
    for (let i = 0; i < 40 && !agentA.manager.list().length; i++) await sleep(50);
    await sleep(1500); // one heartbeat: agent A learns it is draining
    const { placement } = await lessonPage(newLearnerId());
    expect(placement.agentId).toBe("agent-b");
    // Asked directly anyway, A says why, in a sentence.
    const direct = new TestLearner(urls.a, {
      token: signSandboxToken({ sub: newLearnerId(), lesson: LESSON, template: "shell", agent: "agent-a", exp: Math.floor(Date.now() / 1000) + 300 }, SECRET),
    });
    learners.push(direct);
    await direct.connected();
    expect(await direct.request(EVENTS.sandboxOpen, {})).toMatchObject({ ok: false, error: { code: "capacity", message: expect.stringContaining("being taken out of service") } });
    // Its own sandboxes carry on.
    expect(agentA.manager.list().length).toBeGreaterThanOrEqual(6);
    await setDraining(db, "agent-a", false);
    await sleep(1500);
  });

  it("sends new learners to B once A is full", async () => {
    // Fill A to its maximum with learners who asked A directly.
    while (agentA.manager.list().length < MAX_PER_AGENT) {
      const filler = new TestLearner(urls.a, {
        token: signSandboxToken({ sub: newLearnerId(), lesson: LESSON, template: "shell", agent: "agent-a", exp: Math.floor(Date.now() / 1000) + 300 }, SECRET),
      });
      learners.push(filler);
      await filler.connected();
      await filler.openSandbox();
    }
    await sleep(1500); // A reports 0 free places
    const { placement } = await lessonPage(newLearnerId());
    expect(placement.agentId).toBe("agent-b");
  });

  it("gives B's learners a new sandbox on A, with their progress, once B's process is killed", async () => {
    // Room on A again (its fillers leave).
    for (const sandbox of agentA.manager.list().slice(0, 4)) await agentA.manager.remove(sandbox, "reset");
    agentB.kill("SIGKILL");
    await untilLive(["agent-b"], false);
    // The learner who passed on B reloads: the web app places them on A; their progress is in the database.
    const { placement, learner } = await lessonPage(passerOnB, { workshop: workshop.id });
    expect(placement.agentId).toBe("agent-a");
    expect(await learner.run("test -e ~/hostname.txt && echo kept || echo fresh-sandbox")).toBe("fresh-sandbox");
    expect([...((await passedSteps(db, passerOnB)).get(LESSON) ?? [])]).toContain(STEP);
  });
});
