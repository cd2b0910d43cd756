import { describe, expect, it, vi } from "vitest";
import { FLOW } from "../../../shared/protocol";
import { FakeTty } from "../engine/testing/fake-engine";
import { EngineUnavailableError, SandboxGoneError } from "../engine/engine";
import { Terminal, TerminalState, type TerminalViewer } from "./terminal";

function viewer(id: string) {
  const received: Array<{ offset: number; text: string }> = [];
  const exits: string[] = [];
  const v: TerminalViewer = { id, output: (offset, data) => received.push({ offset, text: data.toString() }), exited: (m) => exits.push(m) };
  return { v, received, exits };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Terminal", () => {
  it("sends output to every viewer with its byte offset", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    const a = viewer("a");
    const b = viewer("b");
    terminal.attach(a.v, { cols: 80, rows: 24 });
    tty.output.write("hello ");
    await tick();
    await tick();
    terminal.attach(b.v, { cols: 80, rows: 24 });
    tty.output.write("world");
    await tick();
    await tick();
    expect(a.received).toEqual([{ offset: 0, text: "hello " }, { offset: 6, text: "world" }]);
    expect(b.received).toEqual([{ offset: 6, text: "world" }]);
  });

  it("replays what a returning viewer missed, and nothing more", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    tty.output.write("abcdef");
    await tick();
    const replay = terminal.attach(viewer("a").v, { cols: 80, rows: 24 }, 4);
    expect(replay).toMatchObject({ offset: 4, reset: false });
    expect(replay.data.toString()).toBe("ef");
  });

  it("takes the smallest size among its viewers", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    terminal.attach(viewer("wide").v, { cols: 200, rows: 50 });
    terminal.attach(viewer("narrow").v, { cols: 90, rows: 60 });
    expect(tty.sizes.at(-1)).toEqual({ cols: 90, rows: 50 });
    terminal.detach("narrow");
    expect(tty.sizes.at(-1)).toEqual({ cols: 200, rows: 50 });
    terminal.resize("wide", { cols: 120, rows: 40 });
    expect(tty.sizes.at(-1)).toEqual({ cols: 120, rows: 40 });
  });

  it("passes input to the shell and tells viewers when it exits", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    const a = viewer("a");
    terminal.attach(a.v, { cols: 80, rows: 24 });
    terminal.input("ls\r");
    tty.output.end();
    await tick();
    await tick();
    expect(tty.typed).toEqual(["ls\r"]);
    expect(a.exits).toEqual(["The shell has exited."]);
    expect(terminal.isOpen).toBe(false);
    terminal.input("ignored");
    expect(tty.typed).toEqual(["ls\r"]);
  });
});

describe("Terminal flow control", () => {
  const KiB = 1024;
  function flooded(stallMs = 10_000) {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 4096 * KiB, stallMs });
    return { tty, terminal };
  }
  const bytesOf = (v: ReturnType<typeof viewer>) => v.received.reduce((n, r) => n + r.text.length, 0);

  it("sends output on an idle line at once, and coalesces the chunks that follow it in a burst into one message", async () => {
    const { tty, terminal } = flooded();
    const a = viewer("a");
    terminal.attach(a.v, { cols: 80, rows: 24 });
    tty.stream.push(Buffer.from("x"));
    // A keystroke's echo: sent as the stream delivers it, before any coalescing turn.
    await new Promise((resolve) => process.nextTick(resolve));
    expect(a.received).toEqual([{ offset: 0, text: "x" }]);
    tty.stream.push(Buffer.from("one "));
    tty.stream.push(Buffer.from("two"));
    await tick();
    await tick();
    expect(a.received).toEqual([
      { offset: 0, text: "x" },
      { offset: 1, text: "one two" },
    ]);
  });

  it("pauses the shell while a viewer is more than the high watermark behind, and resumes once it catches up", async () => {
    const { tty, terminal } = flooded();
    const a = viewer("a");
    terminal.attach(a.v, { cols: 80, rows: 24 });
    const chunk = Buffer.alloc(64 * KiB, 120);
    for (let i = 0; i < 12; i++) {
      tty.stream.push(chunk);
      await tick();
    }
    await tick();
    expect(terminal.isPaused).toBe(true);
    const sentWhilePaused = bytesOf(a);
    expect(sentWhilePaused).toBeGreaterThan(FLOW.HIGH_WATERMARK);
    expect(sentWhilePaused).toBeLessThanOrEqual(FLOW.HIGH_WATERMARK + 2 * 64 * KiB);
    // Nothing more reaches the viewer until it acknowledges.
    tty.stream.push(chunk);
    await tick();
    await tick();
    expect(bytesOf(a)).toBe(sentWhilePaused);
    terminal.ack("a", sentWhilePaused - FLOW.LOW_WATERMARK);
    expect(terminal.isPaused).toBe(false);
  });

  it("detaches a viewer that stays behind, so it cannot stall the other tabs", async () => {
    // The stall timeout runs on a clock the test moves (setImmediate, which the output uses, stays real).
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { tty, terminal } = flooded(50);
      const frozen = viewer("frozen");
      const live = viewer("live");
      terminal.attach(frozen.v, { cols: 80, rows: 24 });
      terminal.attach(live.v, { cols: 80, rows: 24 });
      for (let i = 0; i < 12; i++) {
        tty.stream.push(Buffer.alloc(64 * KiB, 121));
        await tick();
        terminal.ack("live", bytesOf(live));
      }
      expect(terminal.isPaused).toBe(true);
      vi.advanceTimersByTime(49);
      expect(frozen.exits).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(frozen.exits).toEqual(["This tab fell behind the terminal's output. Press Enter to catch up."]);
      expect(live.exits).toEqual([]);
      expect(terminal.isPaused).toBe(false);
      expect(terminal.viewerCount).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows an observer everything, replay first, without taking its size or letting it hold the shell back", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 * 1024 });
    const learner = viewer("learner");
    terminal.attach(learner.v, { cols: 120, rows: 40 });
    tty.output.write("before ");
    await tick();
    const sizesBefore = tty.sizes.length;
    const observer = viewer("instructor");
    const replay = terminal.observe(observer.v);
    expect(replay.data.toString()).toBe("before ");
    tty.output.write("after");
    await tick();
    expect(observer.received).toEqual([{ offset: 7, text: "after" }]);
    expect(tty.sizes.length).toBe(sizesBefore);
    // An observer that never acknowledges anything does not pause the learner's shell.
    tty.output.write("x".repeat(FLOW.HIGH_WATERMARK + 1024));
    await tick();
    terminal.ack("learner", 7 + 5 + FLOW.HIGH_WATERMARK + 1024);
    expect(terminal.isPaused).toBe(false);
    terminal.unobserve("instructor");
    tty.output.write("gone");
    await tick();
    expect(observer.received.at(-1)?.text).not.toContain("gone");
  });

  describe("when the engine goes away", () => {
    const received = (v: ReturnType<typeof viewer>) => v.received.map((r) => r.text).join("");
    const noWait = () => Promise.resolve();

    it("keeps its viewers and offsets, says so, and carries on with a new shell once the engine answers", async () => {
      const first = new FakeTty();
      const second = new FakeTty();
      const attempts: Array<{ cols: number; rows: number }> = [];
      let engineBack = false;
      const terminal = new Terminal(first.process(), { cols: 80, rows: 24 }, {
        scrollbackBytes: 64 * 1024,
        retryDelay: noWait,
        reopen: async (size) => {
          attempts.push(size);
          if (!engineBack) {
            if (attempts.length === 3) engineBack = true;
            throw new EngineUnavailableError();
          }
          return second.process();
        },
      });
      const tab = viewer("tab");
      terminal.attach(tab.v, { cols: 100, rows: 30 });
      first.output.write("$ echo before\r\nbefore\r\n");
      await tick();
      first.ending = "lost";
      first.output.end();
      for (let i = 0; i < 20 && !engineBack; i++) await tick();
      for (let i = 0; i < 5; i++) await tick();
      expect(terminal.currentState).toBe(TerminalState.Open);
      expect(attempts).toEqual([{ cols: 100, rows: 30 }, { cols: 100, rows: 30 }, { cols: 100, rows: 30 }, { cols: 100, rows: 30 }]);
      second.output.write("$ ");
      await tick();
      await tick();
      const text = received(tab);
      expect(text).toMatch(/^\$ echo before\r\nbefore\r\n[\s\S]*Docker engine is restarting[\s\S]*Reconnected[\s\S]*\$ $/);
      // One continuous stream: every byte's offset follows the last.
      let expected = 0;
      for (const { offset, text: piece } of tab.received) {
        expect(offset).toBe(expected);
        expected += Buffer.byteLength(piece);
      }
      expect(tab.exits).toEqual([]);
      terminal.input("ls\r");
      expect(second.typed).toEqual(["ls\r"]);
      expect(first.typed).toEqual([]);
    });

    it("ends as before when the shell exited, and when the sandbox no longer answers", async () => {
      const exited = new FakeTty();
      const reopen = vi.fn(async () => new FakeTty().process());
      const one = new Terminal(exited.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024, reopen, retryDelay: noWait });
      const a = viewer("a");
      one.attach(a.v, { cols: 80, rows: 24 });
      exited.output.end();
      for (let i = 0; i < 5; i++) await tick();
      expect(a.exits).toEqual(["The shell has exited."]);
      expect(reopen).not.toHaveBeenCalled();

      const lost = new FakeTty();
      lost.ending = "lost";
      const two = new Terminal(lost.process(), { cols: 80, rows: 24 }, {
        scrollbackBytes: 1024,
        retryDelay: noWait,
        reopen: async () => {
          throw new SandboxGoneError("No such container");
        },
      });
      const b = viewer("b");
      two.attach(b.v, { cols: 80, rows: 24 });
      lost.output.end();
      for (let i = 0; i < 5; i++) await tick();
      expect(b.exits).toEqual(["The connection to the shell was lost, and the sandbox no longer answers."]);
      expect(two.isOpen).toBe(false);
    });

    it("stops trying when the sandbox is closed meanwhile", async () => {
      const lost = new FakeTty();
      lost.ending = "lost";
      let release!: () => void;
      const reopen = vi.fn(async () => new FakeTty().process());
      const terminal = new Terminal(lost.process(), { cols: 80, rows: 24 }, {
        scrollbackBytes: 1024,
        reopen,
        retryDelay: () => new Promise<void>((resolve) => (release = resolve)),
      });
      lost.output.end();
      for (let i = 0; i < 5; i++) await tick();
      expect(terminal.currentState).toBe(TerminalState.Reconnecting);
      terminal.close();
      release();
      await tick();
      expect(reopen).not.toHaveBeenCalled();
      expect(terminal.isOpen).toBe(false);
    });
  });
});
