/** The terminal path end to end through socket.io, against real containers. */
import { describe, expect, it } from "vitest";
import { newLearnerId, readyLearner, TestLearner, token, useService } from "./support/harness";

const { service: running } = useService();

describe("terminal over socket.io", () => {
  it("runs commands in the learner's container", async () => {
    const learner = await readyLearner(running().port);
    expect(await learner.run("echo $((6*7))")).toBe("42");
    expect(await learner.run("hostname")).toBe(learner.sandbox.hostname);
    learner.close();
  });

  it("follows the browser's window size", async () => {
    const learner = await readyLearner(running().port);
    expect(await learner.run("stty size")).toBe("24 80");
    learner.socket.emit("terminal:resize", { terminalId: "main", size: { cols: 120, rows: 40 } });
    // The resize reaches the TTY through the engine, apart from the input: ask until the shell sees it.
    await expect.poll(() => learner.run("stty size"), { timeout: 15_000 }).toBe("40 120");
    learner.close();
  });

  it("reconnects to the same container and replays output exactly once", async () => {
    const sub = newLearnerId();
    const first = await readyLearner(running().port, { sub });
    await first.run("echo marker-$((1000+337)) && touch /tmp/keep");
    first.close();

    // A reload: a new socket that knows nothing replays the scrollback, marker included once.
    const reloaded = await readyLearner(running().port, { sub });
    expect(reloaded.sandbox.id).toBe(first.sandbox.id);
    expect(reloaded.output.match(/marker-1337/g)).toHaveLength(1);
    expect(await reloaded.run("ls /tmp/keep")).toBe("/tmp/keep");

    // A brief disconnect: the browser says how far it got and receives only what is new.
    const position = await reloaded.openTerminal();
    reloaded.close();
    const back = new TestLearner(running().port, { token: token({ sub }) });
    await back.connected();
    await back.openSandbox();
    const resumed = await back.openTerminal({ cols: 80, rows: 24 }, { instance: position.instance, offset: position.offset + position.data.length });
    expect(resumed.reset).toBe(false);
    expect(Buffer.from(resumed.data).toString()).not.toContain("marker-1337");
    back.close();
  });

  it("shows one shell to two tabs of the same learner", async () => {
    const sub = newLearnerId();
    const tab1 = await readyLearner(running().port, { sub });
    const tab2 = await readyLearner(running().port, { sub });
    tab1.type("echo from-$((10+1))\r");
    await tab2.waitFor("from-11");
    tab1.close();
    tab2.close();
  });

  it("runs several terminals in one sandbox, each its own shell", async () => {
    const learner = await readyLearner(running().port);
    const second = await learner.request<{ instance: string }>("terminal:open", { terminalId: "second", size: { cols: 80, rows: 24 } });
    expect(second.ok).toBe(true);
    // The marker, split so the echoed command line does not contain it, comes once the file is written.
    learner.socket.emit("terminal:input", { terminalId: "second", data: 'echo $$ > /tmp/second-pid; echo "second-""written"\r' });
    await learner.waitFor("second-written");
    const pids = await learner.run("echo $$; cat /tmp/second-pid");
    const [mainPid, secondPid] = pids.split(/\s+/);
    expect(secondPid).toMatch(/^\d+$/);
    expect(secondPid).not.toBe(mainPid);
    learner.close();
  });

  it("starts a new shell after `exit`", async () => {
    const learner = await readyLearner(running().port);
    const exited = new Promise<string>((resolve) => learner.socket.once("terminal:exit", (e) => resolve(e.message)));
    learner.type("exit\r");
    expect(await exited).toMatch(/exited/);
    const again = await learner.openTerminal();
    expect(again.reset).toBe(true);
    expect(await learner.run("echo back")).toBe("back");
    learner.close();
  });

  it("reset gives a fresh container and tells the other tabs", async () => {
    const sub = newLearnerId();
    const tab1 = await readyLearner(running().port, { sub });
    const tab2 = await readyLearner(running().port, { sub });
    await tab1.run("touch /tmp/before-reset");
    const answer = await tab1.request<{ id: string }>("sandbox:reset", {});
    expect(answer.ok).toBe(true);
    expect(answer.ok && answer.value.id).not.toBe(tab1.sandbox.id);
    await expect.poll(() => tab2.ended.map((e) => e.reason)).toEqual(["reset"]);
    await tab1.openTerminal();
    expect(await tab1.run("ls /tmp/before-reset 2>&1 || true")).toMatch(/No such file/);
    tab1.close();
    tab2.close();
  });
});
