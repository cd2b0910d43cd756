/** Output floods are paced by what the browser renders; Ctrl-C stops them promptly. */
import { describe, expect, it } from "vitest";
import { FLOW } from "../../shared/protocol";
import { engine, readyLearner, useService } from "./support/harness";

const { service: running } = useService();
const MiB = 1024 * 1024;

describe("flow control", () => {
  it("stops sending to a tab that renders nothing, and holds the shell instead of buffering", async () => {
    const frozen = await readyLearner(running().port);
    frozen.autoAck = false;
    const before = frozen.received;
    const terminal = running().manager.findById(frozen.sandbox.id)!.terminals.get("main")!;
    frozen.type("yes flood-line-of-text\r");
    await expect.poll(() => terminal.isPaused, { timeout: 15_000 }).toBe(true);
    // Messages on one socket arrive in order: once this is answered, everything sent before it is here.
    const roundTrip = async () => expect((await frozen.request("sandbox:open", { sandboxId: frozen.sandbox.id })).ok).toBe(true);
    await roundTrip();
    const whenPaused = frozen.received - before;
    // The service sent about one high watermark (plus at most one batch), then waited.
    expect(whenPaused).toBeGreaterThan(FLOW.HIGH_WATERMARK);
    expect(whenPaused).toBeLessThan(FLOW.HIGH_WATERMARK + 256 * 1024);
    // While the shell keeps trying to flood (a command run in the sandbox meanwhile gives it
    // time to), nothing more is sent and the shell stays held.
    expect((await engine.run(frozen.sandbox.id, { cmd: ["pgrep", "-x", "yes"], timeoutMs: 10_000 })).stdout).toMatch(/^\d+\n$/);
    await roundTrip();
    expect(frozen.received - before).toBe(whenPaused);
    expect(terminal.isPaused).toBe(true);
    frozen.close();
  });

  it("keeps a rendering tab flowing, and Ctrl-C brings the prompt back quickly", async () => {
    const learner = await readyLearner(running().port);
    learner.keepOutputChars = 4096;
    learner.type("cat /dev/urandom | base64\r");
    // A tab that renders keeps the flood coming: well past the watermark at which a frozen one stops.
    await learner.waitForBytes(2 * MiB, 30_000);
    learner.type("\x03");
    const atInterrupt = learner.received;
    learner.type('echo "interrupted-""$((6*7))"\r');
    await learner.waitFor("interrupted-42", 10_000);
    // What was already in the pipes when Ctrl-C arrived: bounded by the watermark, not by the flood.
    expect(learner.received - atInterrupt).toBeLessThan(4 * MiB);
    learner.close();
  });
});
