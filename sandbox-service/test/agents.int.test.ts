/**
 * Several machines (issue 12): two Docker engines on this machine (the second in a network
 * namespace of its own), an agent for each (A in this process, B a process of its own that
 * can be killed), one PostgreSQL database, and the web app's placement (lib/placement.ts,
 * what /api/sandbox-token runs) signing each learner's token for the agent it chose. When
 * B dies, its learners' pages are the browser's own connection (SandboxConnection, and the
 * instructor's DashboardConnection), given tokens by what the web app's routes run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardConnection } from "../../components/workshop/dashboard-connection";
import { SandboxConnection, type ConnectionStatus } from "../../components/terminal/sandbox-connection";
import type { SocketToken } from "../../components/connection/request";
import { createAccount } from "../../lib/data/accounts";
import { dashboardAgent, placeLearner, type Placement } from "../../lib/placement";
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

/** Learners placed on agent B, with what their token carries and their sandbox's host name there. */
const onB: { id: string; extra: { workshop?: string }; hostname: string }[] = [];

/** What /api/sandbox-token does for a lesson page: place the learner, sign the token for that agent. */
async function sandboxToken(learnerId: string, extra: { workshop?: string } = {}): Promise<{ placement: Placement; token: SocketToken }> {
  const placement = (await placeLearner(db, learnerId, LESSON, LIVE_SECONDS))!;
  expect(placement, "some agent is live").not.toBeNull();
  const token = signSandboxToken(
    { sub: learnerId, lesson: LESSON, template: "shell", agent: placement.agentId, exp: Math.floor(Date.now() / 1000) + 300, ...extra },
    SECRET,
  );
  return { placement, token: { token, sandboxUrl: placement.publicUrl! } };
}

async function lessonPage(learnerId: string, extra: { workshop?: string } = {}): Promise<{ placement: Placement; learner: TestLearner & { hostname: string } }> {
  const { placement, token } = await sandboxToken(learnerId, extra);
  const learner = new TestLearner(token.sandboxUrl, { token: token.token }) as TestLearner & { hostname: string };
  learners.push(learner);
  await learner.connected();
  learner.hostname = (await learner.openSandbox()).hostname;
  await learner.openTerminal();
  await learner.waitFor("# ");
  if (placement.agentId === "agent-b") onB.push({ id: learnerId, extra, hostname: learner.hostname });
  return { placement, learner };
}

/** A learner's lesson page as the browser runs it: the real connection, its tokens from what the route runs. */
function browserPage(learnerId: string, extra: { workshop?: string }) {
  const connection = new SandboxConnection(LESSON, undefined, undefined, async () => (await sandboxToken(learnerId, extra)).token);
  const page = { connection, status: "connecting" as ConnectionStatus, notices: [] as string[], screen: "" };
  connection.subscribe({
    status: (status) => (page.status = status),
    notice: (message) => page.notices.push(message),
    write: (write) => {
      page.screen += Buffer.from(write.data).toString();
      connection.rendered(write.end);
    },
  });
  connection.prepare();
  connection.start({ cols: 100, rows: 30 });
  return page;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, seconds = 60): Promise<void> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(100)) if (await condition()) return;
  throw new Error(`waited ${seconds} s for ${what}; agent B said:\n${agentBLog}`);
}

/** Until agent `id` has reported to the register after `since`: it has read what the register says of it (draining). */
async function heardFrom(id: string, since = new Date()): Promise<void> {
  await until(`a heartbeat of ${id}`, async () => (await allAgents(db)).some((a) => a.id === id && a.heartbeatAt > since));
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
    await heardFrom("agent-a"); // A learns it is draining
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
    await heardFrom("agent-a");
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
    await until("A to report no free place", async () => (await allAgents(db)).some((a) => a.id === "agent-a" && a.freePlaces === 0));
    const { placement } = await lessonPage(newLearnerId());
    expect(placement.agentId).toBe("agent-b");
  });

  it("moves every page on B, and the dashboard, to A once B's process is killed: a new sandbox, a sentence, progress kept", async () => {
    // Room on A for all of B's learners (A's own learners leave).
    for (const sandbox of agentA.manager.list()) await agentA.manager.remove(sandbox, "reset");
    expect(onB.length, "learners were placed on B").toBeGreaterThanOrEqual(3);
    // Each of B's learners has their page open, attached to their sandbox on B.
    const pages = onB.map(({ id, extra }) => browserPage(id, extra));
    await until("every page connected on B", () => pages.every((page, i) => page.status === "connected" && page.connection.sandbox?.hostname === onB[i]!.hostname));
    // The instructor's dashboard, connected to B (as if the route had picked B; later it asks the route).
    const instructorToken = () => signInstructorToken({ sub: owner, workshop: workshop.id, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET);
    let asked = 0;
    const snapshots: DashboardSnapshot[] = [];
    const dashboard = new DashboardConnection(
      workshop.id,
      { connected: () => undefined, snapshot: (snapshot) => snapshots.push(snapshot), row: () => undefined, counts: () => undefined, warmup: () => undefined, ended: () => undefined, shadowWrite: () => undefined, shadowEnded: () => undefined },
      async () => ({ token: instructorToken(), sandboxUrl: asked++ === 0 ? urls.b : (await dashboardAgent(db, LIVE_SECONDS))!.publicUrl! }),
    );
    try {
      await dashboard.start();
      await until("the dashboard's picture from B", () => snapshots.length === 1);

      agentB.kill("SIGKILL");
      // Nobody reloads: each page finds B gone, asks the web app again, and is moved to A.
      await until("every page on a new sandbox on A", () =>
        pages.every((page, i) => page.status === "connected" && page.connection.sandbox !== null && page.connection.sandbox.hostname !== onB[i]!.hostname),
      );
      for (const [i, page] of pages.entries()) {
        expect(agentA.manager.list().some((sandbox) => sandbox.owner.learner === onB[i]!.id && sandbox.hostname === page.connection.sandbox!.hostname)).toBe(true);
        expect(page.notices.join("\n")).toContain("stopped answering, so this is a new sandbox on another machine. Your progress is kept");
      }
      // The learner who passed on B: a fresh sandbox that answers typing, and their progress.
      const passer = pages[onB.findIndex((learner) => learner.id === passerOnB)]!;
      passer.connection.run("echo moved-$((40+2))");
      await until("the moved shell's answer", () => passer.screen.includes("moved-42"));
      expect(await passer.connection.readFile("~/hostname.txt")).toMatchObject({ exists: false });
      expect([...((await passedSteps(db, passerOnB)).get(LESSON) ?? [])]).toContain(STEP);
      // The dashboard followed too, and still shows that pass.
      await until("the dashboard's picture from A", () => snapshots.length >= 2);
      expect(snapshots.at(-1)!.rows.find((row) => row.learnerId === passerOnB)?.stepsPassed).toBe(1);
    } finally {
      dashboard.stop();
      for (const page of pages) page.connection.stop();
    }
  }, 180_000);
});
