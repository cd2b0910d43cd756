/**
 * A hostile client asking for more than its share, against the real service and engine:
 * floods of terminals, checks and resets are answered with sentences (never a dropped
 * connection), exactly up to each limit, and a check that hangs is killed with everything
 * it started.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type Ack, type CheckResult, type SandboxInfo } from "../../shared/protocol";
import type { RunningService } from "../src/service";
import { readyLearner, removeInstance, startService, testConfig } from "./support/harness";

const LESSON = "limits-lab";
const lessonsDir = mkdtempSync(path.join(tmpdir(), "dojo-limits-lessons-"));
writeFileSync(
  path.join(lessonsDir, "90-limits-lab.mdx"),
  `---
title: "A lesson whose checks misbehave"
summary: Checks that hang, to prove the service stops them and leaves nothing behind.
duration: 1
template: shell
steps:
  - id: hang
    title: A check that never answers
    check: sleep 1000
    solve: "true"
    shortcuts:
      - name: nothing at all
        script: "true"
  - id: hang-and-hide
    title: A check that hides processes in the background and in a session of its own
    check: |
      sleep 1001 &
      setsid sleep 1002 < /dev/null > /dev/null 2>&1 &
      sleep 1003
    solve: "true"
    shortcuts:
      - name: nothing at all
        script: "true"
  - id: quick
    title: A check that answers at once
    check: "true"
    solve: "true"
    shortcuts:
      - name: nothing at all
        script: "true"
---

Nothing to read.
`,
);

const config = testConfig({
  SANDBOX_MAX_TERMINALS: "3",
  SANDBOX_MAX_CONCURRENT_CHECKS: "2",
  CHECK_TIMEOUT_SECONDS: "2",
  SANDBOX_RESETS_PER_MINUTE: "2",
});
let service: RunningService;
beforeAll(async () => {
  service = await startService(config, { lessonsDir });
});
afterAll(async () => {
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
  rmSync(lessonsDir, { recursive: true, force: true });
});

/** How many `sleep 100…` processes run in the sandbox, counted from its own terminal. */
const SLEEPERS = "ps -eo args= | grep -c '^sleep 100'";

describe("limits on what one client may ask for", () => {
  it("opens terminals up to the limit, refuses a flood of more in a sentence, and keeps the connection", async () => {
    const learner = await readyLearner(service.port, { lesson: LESSON });
    const size = { cols: 80, rows: 24 };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => learner.request(EVENTS.terminalOpen, { terminalId: `extra-${i}`, size })));
    // "main" and two more.
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    const refusals = answers.filter((a): a is Extract<Ack<unknown>, { ok: false }> => !a.ok);
    expect(refusals).toHaveLength(18);
    for (const refusal of refusals) {
      expect(refusal.error).toEqual({
        code: "too_many",
        message: "This sandbox already has 3 terminals, the most one sandbox can have. Type `exit` in one you no longer need, or reset the sandbox.",
      });
    }
    // Still connected and served; the terminal already open stays reachable at the limit.
    expect(learner.socket.connected).toBe(true);
    expect(await learner.run("echo still-$((20+1))")).toBe("still-21");
    expect((await learner.request(EVENTS.terminalOpen, { terminalId: "main", size })).ok).toBe(true);
    learner.close();
  });

  it("runs two checks at once, refuses the rest of a flood at once, and kills hung checks with every process they started", async () => {
    const learner = await readyLearner(service.port, { lesson: LESSON });
    const flood = Array.from({ length: 10 }, (_, i) => learner.request<CheckResult>(EVENTS.checkRun, { step: i % 2 ? "hang" : "hang-and-hide" }));
    const answers = await Promise.all(flood);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(8);
    for (const refusal of refused) {
      expect(refusal).toEqual({ ok: false, error: { code: "too_many", message: "2 checks are already running in this sandbox. Wait for their answer, then check again." } });
    }
    const timedOut = answers.filter((a): a is { ok: true; value: CheckResult } => a.ok);
    expect(timedOut).toHaveLength(2);
    for (const { value } of timedOut) {
      expect(value.passed).toBe(false);
      expect(value.message).toMatch(/^The check took more than 2 seconds to answer, so it was stopped\./);
    }
    // Nothing the hung checks started is left running in the sandbox.
    expect(await learner.run(SLEEPERS)).toBe("0");
    // The slots are free again.
    expect(await learner.request<CheckResult>(EVENTS.checkRun, { step: "quick" })).toEqual({ ok: true, value: { step: "quick", passed: true, message: "" } });
    learner.close();
  });

  it("a learner's own sleeping process is not the check's: only what the check started is killed", async () => {
    const learner = await readyLearner(service.port, { lesson: LESSON });
    learner.type("sleep 1009 &\r");
    await expect.poll(() => learner.run(SLEEPERS)).toBe("1");
    const answer = await learner.request<CheckResult>(EVENTS.checkRun, { step: "hang" });
    expect(answer.ok && answer.value.passed).toBe(false);
    expect(await learner.run("ps -eo args= | grep --color=never '^sleep 100'")).toBe("sleep 1009");
    learner.close();
  });

  it("resets a sandbox twice a minute and refuses a flood of more without touching it", async () => {
    const learner = await readyLearner(service.port, { lesson: LESSON });
    const answers = await Promise.all(Array.from({ length: 6 }, () => learner.request<SandboxInfo>(EVENTS.sandboxReset, {})));
    const done = answers.filter((a): a is { ok: true; value: SandboxInfo } => a.ok);
    expect(done).toHaveLength(2);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(4);
    for (const refusal of refused) {
      expect(refusal).toMatchObject({
        ok: false,
        error: { code: "too_many", message: expect.stringMatching(/^This sandbox was reset 2 times in the last minute, the most allowed\. It is still here as it was; you can reset it again in \d+ seconds\.$/) },
      });
    }
    // The learner still has exactly one sandbox, the one the resets left, and is still connected.
    const current = await learner.openSandbox();
    expect(done.map((a) => a.value.id)).toContain(current.id);
    expect(service.manager.list().filter((s) => s.owner.learner === learner.learnerId)).toHaveLength(1);
    await learner.openTerminal();
    expect(await learner.run("echo after-$((40+2))")).toBe("after-42");
    learner.close();
  });
});
