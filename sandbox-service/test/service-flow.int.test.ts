/** Output floods are paced by what the browser renders; Ctrl-C stops them promptly. */
import { describe, expect, it } from "vitest";
import { FLOW } from "../../shared/protocol";
import { readyLearner, useService } from "./support/harness";

const { service: running } = useService();
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe("flow control", () => {
  it("stops sending to a tab that renders nothing, and holds the shell instead of buffering", async () => {
    const frozen = await readyLearner(running().port);
    frozen.autoAck = false;
    const before = frozen.received;
    frozen.type("yes flood-line-of-text\r");
    await sleep(2000);
    const afterTwoSeconds = frozen.received - before;
    await sleep(1000);
    // The service sent about one high watermark (plus at most one batch), then waited.
    expect(afterTwoSeconds).toBeGreaterThan(FLOW.HIGH_WATERMARK);
    expect(afterTwoSeconds).toBeLessThan(FLOW.HIGH_WATERMARK + 256 * 1024);
    expect(frozen.received - before).toBe(afterTwoSeconds);
    const terminal = running().manager.findById(frozen.sandbox.id)!.terminals.get("main")!;
    expect(terminal.isPaused).toBe(true);
    frozen.close();
  });

  it("keeps a rendering tab flowing, and Ctrl-C brings the prompt back quickly", async () => {
    const learner = await readyLearner(running().port);
    learner.keepOutputChars = 4096;
    learner.type("cat /dev/urandom | base64\r");
    await sleep(1500);
    expect(learner.received).toBeGreaterThan(2 * MiB);
    learner.type("\x03");
    const atInterrupt = learner.received;
    learner.type('echo "interrupted-""$((6*7))"\r');
    await learner.waitFor("interrupted-42", 10_000);
    // What was already in the pipes when Ctrl-C arrived: bounded by the watermark, not by the flood.
    expect(learner.received - atInterrupt).toBeLessThan(4 * MiB);
    learner.close();
  });
});
