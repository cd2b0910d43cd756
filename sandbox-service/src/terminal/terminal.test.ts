import { describe, expect, it } from "vitest";
import { FakeTty } from "../engine/testing/fake-engine";
import { Terminal, type TerminalViewer } from "./terminal";

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
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, 1024);
    const a = viewer("a");
    const b = viewer("b");
    terminal.attach(a.v, { cols: 80, rows: 24 });
    tty.output.write("hello ");
    await tick();
    terminal.attach(b.v, { cols: 80, rows: 24 });
    tty.output.write("world");
    await tick();
    expect(a.received).toEqual([{ offset: 0, text: "hello " }, { offset: 6, text: "world" }]);
    expect(b.received).toEqual([{ offset: 6, text: "world" }]);
  });

  it("replays what a returning viewer missed, and nothing more", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, 1024);
    tty.output.write("abcdef");
    await tick();
    const replay = terminal.attach(viewer("a").v, { cols: 80, rows: 24 }, 4);
    expect(replay).toMatchObject({ offset: 4, reset: false });
    expect(replay.data.toString()).toBe("ef");
  });

  it("takes the smallest size among its viewers", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, 1024);
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
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, 1024);
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
