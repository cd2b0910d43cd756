/** Malformed, oversized and out-of-order messages are refused; others keep being served. */
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { socketMessageLimit } from "../../shared/config";
import { readyLearner, TestLearner, token, useService } from "./support/harness";

const { config, service: running } = useService();
/** The socket without the protocol's types: these tests send what the types forbid. */
const raw = (learner: TestLearner) => learner.socket as unknown as Socket;

describe("bad input", () => {
  it("answers malformed requests with a sentence", async () => {
    const learner = new TestLearner(running().port, { token: token() });
    await learner.connected();
    const bad = await learner.request("sandbox:open", { sandboxId: "../../etc/passwd" });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad_request" } });
    expect(!bad.ok && bad.error.message).toMatch(/Malformed "sandbox:open" message/);
    const noSandbox = await learner.request("terminal:open", { terminalId: "main", size: { cols: 80, rows: 24 } });
    expect(noSandbox).toMatchObject({ ok: false, error: { code: "not_found", message: "There is no sandbox open on this page. Reload the page to start one." } });
    const hugeSize = await learner.request("terminal:open", { terminalId: "main", size: { cols: 1e9, rows: -1 } });
    expect(hugeSize).toMatchObject({ ok: false, error: { code: "bad_request" } });
    raw(learner).emit("terminal:input", { terminalId: "main", data: 42 });
    await expect.poll(() => learner.protocolErrors).toEqual([expect.stringMatching(/Malformed "terminal:input"/)]);
    learner.close();
  });

  it("keeps serving a well-behaved learner through a flood of garbage and an oversized message", async () => {
    const good = await readyLearner(running().port);
    const attacker = new TestLearner(running().port, { token: token() });
    await attacker.connected();
    const junk: unknown[] = [null, 1, "x", [], { terminalId: "MAIN!!" }, { terminalId: "main", data: "" }, { data: "a".repeat(9000), terminalId: "main" }];
    for (let i = 0; i < 2000; i++) {
      raw(attacker).emit(["terminal:input", "terminal:resize", "sandbox:open", "no-such-event"][i % 4]!, junk[i % junk.length]);
    }
    expect(await good.run("echo still-$((20+1))")).toBe("still-21");

    const disconnected = new Promise<string>((resolve) => attacker.socket.once("disconnect", (reason) => resolve(reason)));
    // Past the socket's limit (which fits a file the editor saves): the socket is closed.
    raw(attacker).emit("terminal:input", { terminalId: "main", data: "z".repeat(socketMessageLimit(config) * 2) });
    expect(await disconnected).toMatch(/transport close|io server disconnect/);
    expect(await good.run("echo alive-$((40+2))")).toBe("alive-42");
    good.close();
  });
});
