/**
 * The supervisor with real processes: a stand-in for `next start` whose own child holds a
 * second port (the shape that left next-server orphaned), killed with -9, stopped, crashing
 * for good, and a supervisor process that is itself killed with -9.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Supervisor, type Program } from "./supervisor";
import { freePort } from "../../shared/testing/free-port";
import { portHolder, portIsFree, stillRunning, tree } from "./testing/processes";
import type { ProcessInfo } from "./process-group";

const FIXTURES = path.join(import.meta.dirname, "testing");
const started: Array<{ stop(): Promise<unknown> }> = [];

afterEach(async () => {
  for (const thing of started.splice(0)) await thing.stop();
});

async function twoLevelServer(name = "web"): Promise<{ program: Program; ports: [number, number] }> {
  const ports: [number, number] = [await freePort(), await freePort()];
  return {
    program: {
      name,
      command: process.execPath,
      args: ["--import", "tsx", path.join(FIXTURES, "two-level-server.ts")],
      env: { PORT_A: String(ports[0]), PORT_B: String(ports[1]) },
      healthUrl: `http://127.0.0.1:${ports[0]}/`,
    },
    ports,
  };
}

async function answer(port: number): Promise<string | null> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } catch {
    return null;
  }
}

/** Waits until both ports answer; returns the parent's answer (it names its pid). */
async function serving([a, b]: [number, number]): Promise<string> {
  await expect.poll(() => answer(b), { timeout: 20_000 }).toBe("child");
  await expect.poll(() => answer(a), { timeout: 20_000 }).toMatch(/^parent \d+$/);
  return (await answer(a))!;
}

function supervise(programs: Program[], options: Partial<ConstructorParameters<typeof Supervisor>[1]> = {}) {
  const lines: string[] = [];
  const supervisor = new Supervisor(programs, { env: process.env, stopGraceMs: 5000, out: (line) => lines.push(line), ...options });
  supervisor.start();
  started.push({ stop: () => supervisor.stop(0) });
  return { supervisor, lines };
}

describe("Supervisor", () => {
  it("starts a program killed with -9 again, with its whole process group, and it serves again", async () => {
    const { program, ports } = await twoLevelServer();
    const { supervisor, lines } = supervise([program], { policy: { firstDelayMs: 200, maxDelayMs: 1000, maxCrashes: 5, windowMs: 60_000 } });
    const before = await serving(ports);
    const leader = supervisor.pidOf("web")!;
    const oldTree = tree(leader);
    expect(oldTree.length).toBeGreaterThanOrEqual(2); // the server and its own child

    process.kill(leader, "SIGKILL");

    await expect.poll(() => lines.join("\n"), { timeout: 10_000 }).toContain("[platform] web exited (SIGKILL); starting it again in 0.2 s.");
    const after = await serving(ports);
    expect(after).not.toBe(before);
    // The old child went with its group: it did not keep port B (the new one holds it).
    expect(stillRunning(oldTree)).toEqual([]);
    await expect.poll(() => lines.join("\n"), { timeout: 10_000 }).toContain("[platform] web is back");
  });

  it("stop ends every process of every group and frees every port", async () => {
    const web = await twoLevelServer("web");
    const service = await twoLevelServer("sandbox");
    const { supervisor } = supervise([web.program, service.program]);
    await serving(web.ports);
    await serving(service.ports);
    const everything: ProcessInfo[] = [...tree(supervisor.pidOf("web")!), ...tree(supervisor.pidOf("sandbox")!)];
    expect(everything.length).toBeGreaterThanOrEqual(4);

    expect(await supervisor.stop(0)).toBe(0);

    expect(stillRunning(everything)).toEqual([]);
    for (const port of [...web.ports, ...service.ports]) expect(await portIsFree(port)).toBe(true);
  });

  it("a program that keeps crashing stops the platform, and says so", async () => {
    const healthy = await twoLevelServer("web");
    const crashing: Program = { name: "sandbox", command: process.execPath, args: ["-e", "console.log('cannot start'); process.exit(3)"] };
    const { supervisor, lines } = supervise([crashing, healthy.program], {
      policy: { firstDelayMs: 20, maxDelayMs: 100, maxCrashes: 3, windowMs: 60_000 },
    });
    expect(await supervisor.done).toBe(1);
    const log = lines.join("\n");
    expect(log.match(/\[sandbox\] cannot start/g)).toHaveLength(4);
    expect(log).toContain("[platform] sandbox exited (code 3): 4 crashes within 60 s, so it is failing for good and the platform stops.");
    for (const port of healthy.ports) expect(await portIsFree(port), `port ${port} held by ${portHolder(port)}`).toBe(true);
  });

  it("a supervisor killed with -9 leaves nothing behind: its reaper stops what it started", async () => {
    const { program, ports } = await twoLevelServer();
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(FIXTURES, "supervise.ts")], {
      env: { ...process.env, SUPERVISE_PROGRAMS: JSON.stringify([program]) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    started.push({ stop: async () => child.kill("SIGKILL") });
    await serving(ports);
    const everything = tree(child.pid!);
    // The supervisor, the reaper, the server and its child (each program is in its own session, but still a descendant).
    expect(everything.length).toBeGreaterThanOrEqual(4);

    child.kill("SIGKILL");

    await expect.poll(() => stillRunning(everything).map((p) => p.command), { timeout: 15_000 }).toEqual([]);
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
  });

  it("SIGTERM to a supervisor process stops everything it started, then it exits 0", async () => {
    const { program, ports } = await twoLevelServer();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(FIXTURES, "supervise.ts")], {
      env: { ...process.env, SUPERVISE_PROGRAMS: JSON.stringify([program]) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    started.push({ stop: async () => child.kill("SIGKILL") });
    await serving(ports);
    const everything = tree(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    child.kill("SIGTERM");

    expect(await exited).toBe(0);
    expect(stillRunning(everything)).toEqual([]);
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
  });
});
