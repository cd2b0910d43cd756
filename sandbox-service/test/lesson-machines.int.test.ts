/**
 * A lesson with `machines: 2` on a real engine: the page opens node1 and node2 of its
 * learner's lesson, on a private network of that learner and lesson; a step's check runs on
 * the machine its step names, of the asking learner only; and the hostile inputs (a
 * machine beyond the lesson's, bad names, another learner's machine, forged ids, machines
 * on a one-sandbox lesson) are refused in sentences.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type CheckResult } from "../../shared/protocol";
import type { RunningService } from "../src/service";
import { PlaygroundNetworks } from "../src/sessions/playground-networks";
import { engine, newLearnerId, readyMachine, removeInstance, startService, testConfig, token, TestLearner, type TestMachine } from "./support/harness";

const lessonsDir = mkdtempSync(path.join(tmpdir(), "dojo-machines-lessons-"));
writeFileSync(
  path.join(lessonsDir, "90-two-nodes.mdx"),
  `---
title: Two machines
summary: A lesson whose steps are checked on different machines.
duration: 5
template: docker
machines: 2
steps:
  - id: mark-node2
    title: Leave a mark on node2
    machine: node2
    check: test -f /tmp/mark || { echo "There is no /tmp/mark on node2."; exit 1; }
    solve: touch /tmp/mark
    shortcuts:
      - name: the mark on node1
        script:
          - machine: node1
            script: touch /tmp/mark
  - id: mark-node1
    title: Leave a mark on node1
    check: test -f /tmp/mark || { echo "There is no /tmp/mark on node1."; exit 1; }
    solve: touch /tmp/mark
    shortcuts:
      - name: nothing
        script: "true"
---
Body.
`,
);
writeFileSync(
  path.join(lessonsDir, "91-one-box.mdx"),
  `---
title: One sandbox
summary: A lesson with one sandbox, for the refusals.
duration: 5
template: docker
steps: []
---
Body.
`,
);

const config = testConfig({ PLAYGROUND_MAX_MACHINES: "3" });
let service: RunningService;

type Page = TestMachine;

/** A page of the lesson showing one machine, its shell ready. */
const machine = (learner: string, name: string): Promise<Page> =>
  readyMachine(service.port, { sub: learner, lesson: "two-nodes", template: "docker", machines: 2 }, name);

const networks = () => new PlaygroundNetworks(engine, config.DOJO_INSTANCE);
const networkExists = (name: string) => execFileSync("docker", ["network", "ls", "-q", "--filter", `name=^${name}$`], { encoding: "utf8" }).trim() !== "";

const alice = newLearnerId();
const bob = newLearnerId();
let aliceNode1: Page;
let aliceNode2: Page;
let bobNode1: Page;

beforeAll(async () => {
  service = await startService(config, { lessonsDir });
  [aliceNode1, bobNode1] = await Promise.all([machine(alice, "node1"), machine(bob, "node1")]);
  aliceNode2 = await machine(alice, "node2");
}, 180_000);
afterAll(async () => {
  for (const page of [aliceNode1, aliceNode2, bobNode1]) page?.close();
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
  rmSync(lessonsDir, { recursive: true, force: true });
});

describe("a lesson with two machines", () => {
  it("names the machines, gives them one lifetime and a network of the learner's lesson where they reach each other", async () => {
    expect(await aliceNode2.run("hostname")).toBe("node2");
    expect(aliceNode2.info.playground).toEqual({ machine: "node2", machines: ["node1", "node2"], maxMachines: 2 });
    expect(aliceNode2.info.expiresAt).toBe(aliceNode1.info.expiresAt);
    expect(await aliceNode2.run("ping -c1 -W5 node1 >/dev/null && echo reached")).toBe("reached");
    // Not the learner's playground network: a lesson's machines have one of their own.
    expect(networks().nameFor(alice, "two-nodes")).not.toBe(networks().nameFor(alice));
    expect(networkExists(networks().nameFor(alice, "two-nodes"))).toBe(true);
  }, 60_000);

  it("runs a step's check on the machine the step names, whichever page asks", async () => {
    const before = await aliceNode1.request<CheckResult>(EVENTS.checkRun, { step: "mark-node2" });
    expect(before).toEqual({ ok: true, value: { step: "mark-node2", passed: false, message: "There is no /tmp/mark on node2." } });
    // The mark on node1 is not the step: its check looks at node2.
    await aliceNode1.run("touch /tmp/mark");
    expect(await aliceNode1.request<CheckResult>(EVENTS.checkRun, { step: "mark-node2" })).toMatchObject({ ok: true, value: { passed: false } });
    expect(await aliceNode2.request<CheckResult>(EVENTS.checkRun, { step: "mark-node1" })).toMatchObject({ ok: true, value: { passed: true } });
    await aliceNode2.run("touch /tmp/mark");
    expect(await aliceNode1.request<CheckResult>(EVENTS.checkRun, { step: "mark-node2" })).toEqual({ ok: true, value: { step: "mark-node2", passed: true, message: "" } });
  }, 60_000);

  it("checks only the asking learner's machines: another learner's node2 never answers for them", async () => {
    // Alice's node2 has the mark; Bob has no node2 open, so his check cannot run anywhere.
    const answer = await bobNode1.request<CheckResult>(EVENTS.checkRun, { step: "mark-node2" });
    expect(answer).toEqual({
      ok: false,
      error: { code: "not_found", message: "This step is checked on node2, which is not running. Open its terminal tab (that starts it), then check again." },
    });
    // Nor does his node1 see Alice's machines on his network.
    expect(await bobNode1.run("getent hosts node2 || echo unknown", 30_000)).toBe("unknown");
  }, 60_000);

  it("refuses a machine beyond the lesson's, bad names, forged ids, and machines of a one-sandbox lesson", async () => {
    const third = await aliceNode1.request(EVENTS.sandboxOpen, { machine: "node3" });
    expect(third).toEqual({ ok: false, error: { code: "bad_request", message: "This lesson has 2 machines (node1 to node2); there is no node3." } });
    expect(service.manager.machines(alice, "two-nodes").map((m) => m.machine)).toEqual(["node1", "node2"]);
    for (const bad of ["../node1", "node0", "node1; rm -rf /", "NODE2", "node100"]) {
      const open = await bobNode1.request(EVENTS.sandboxOpen, { machine: bad });
      expect(open).toMatchObject({ ok: false, error: { code: "bad_request", message: expect.stringMatching(/\w+ \w+/) } });
    }
    // Alice's node2, forged into Bob's open: refused, and his socket stays his.
    const forged = await bobNode1.request(EVENTS.sandboxOpen, { machine: "node2", sandboxId: aliceNode2.info.id });
    expect(forged).toEqual({ ok: false, error: { code: "forbidden", message: "That sandbox belongs to another learner." } });
    expect(await bobNode1.run("hostname")).toBe("node1");
    // Machines cannot be removed from a lesson, and a one-sandbox lesson has none to name.
    expect(await aliceNode1.request(EVENTS.playRemove, { machine: "node2" })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    const single = new TestLearner(service.port, { token: token({ sub: bob, lesson: "one-box", template: "docker" }) });
    await single.connected();
    expect(await single.request(EVENTS.sandboxOpen, { machine: "node2" })).toEqual({
      ok: false,
      error: { code: "bad_request", message: "This lesson has one sandbox; it has no machine called node2." },
    });
    single.close();
  }, 60_000);

  it("removes the lesson's network with its last machine", async () => {
    const name = networks().nameFor(alice, "two-nodes");
    for (const sandbox of service.manager.machines(alice, "two-nodes")) await service.manager.remove(sandbox, "reset");
    await expect.poll(() => networkExists(name), { timeout: 15_000 }).toBe(false);
  }, 60_000);
});
