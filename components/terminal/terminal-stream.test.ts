import { describe, expect, it } from "vitest";
import { NEW_SHELL_NOTICE, TerminalStream, type OutputBytes } from "./terminal-stream";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (w: { data: Uint8Array } | null) => (w ? new TextDecoder().decode(w.data) : null);
const out = (instance: string, offset: number, data: string): OutputBytes => ({ terminalId: "main", instance, offset, data: bytes(data) });

function applied(stream: TerminalStream, answer: { instance: string; reset: boolean; offset: number; data: string }) {
  return stream.opened({ ...answer, data: bytes(answer.data) }).map((w) => (w.reset ? "<reset>" : text(w)));
}

describe("TerminalStream", () => {
  it("writes a first replay after clearing the screen", () => {
    const stream = new TerminalStream();
    stream.opening();
    expect(applied(stream, { instance: "a", reset: true, offset: 0, data: "prompt$ " })).toEqual(["<reset>", "prompt$ "]);
    expect(stream.position()).toEqual({ instance: "a", offset: 8 });
  });

  it("never writes the same bytes twice", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "hello" });
    expect(text(stream.output(out("a", 0, "hello")))).toBeNull();
    const write = stream.output(out("a", 3, "lo world"));
    expect(text(write)).toBe(" world");
    expect(write?.end).toBe(11);
    expect(stream.position()?.offset).toBe(11);
  });

  it("on reconnect, writes only what it missed", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "abc" });
    stream.opening();
    expect(applied(stream, { instance: "a", reset: false, offset: 3, data: "def" })).toEqual(["def"]);
  });

  it("holds output that races the open answer, then applies it without duplicates", () => {
    const stream = new TerminalStream();
    stream.opening();
    expect(stream.output(out("a", 4, "5678"))).toBeNull();
    expect(applied(stream, { instance: "a", reset: true, offset: 0, data: "123456" })).toEqual(["<reset>", "123456", "78"]);
  });

  it("ignores output of a previous shell", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "b", reset: true, offset: 0, data: "new" });
    expect(stream.output(out("a", 100, "old"))).toBeNull();
  });

  it("clears the screen when the shell changed", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "old" });
    stream.opening();
    expect(applied(stream, { instance: "b", reset: true, offset: 0, data: "new" })).toEqual(["<reset>", "new"]);
  });

  it("lets output flow again after a failed open", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "x" });
    stream.opening();
    stream.cancelOpening();
    expect(text(stream.output(out("a", 1, "y")))).toBe("y");
  });

  it("after a lost connection, a new shell of the same sandbox keeps the screen and says so", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "root@box:~# echo saved > file\r\n" });
    stream.lost();
    // The service restarted: its shells are new, its scrollback empty.
    stream.opening();
    expect(applied(stream, { instance: "b", reset: true, offset: 0, data: "root@box:~# " })).toEqual([NEW_SHELL_NOTICE, "root@box:~# "]);
    expect(stream.position()).toEqual({ instance: "b", offset: 12 });
  });

  it("after a lost connection to the same shell, replays only what it missed (no notice)", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "abc" });
    stream.lost();
    stream.opening();
    expect(applied(stream, { instance: "a", reset: false, offset: 3, data: "def" })).toEqual(["def"]);
  });

  it("a new shell without a lost connection (after `exit`) still starts on a clear screen", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "logout\r\n" });
    stream.opening();
    expect(applied(stream, { instance: "b", reset: true, offset: 0, data: "$ " })).toEqual(["<reset>", "$ "]);
  });

  it("a new sandbox after a lost connection starts on a clear screen", () => {
    const stream = new TerminalStream();
    stream.opening();
    applied(stream, { instance: "a", reset: true, offset: 0, data: "old sandbox" });
    stream.lost();
    stream.clear(); // the sandbox answered is another one
    stream.opening();
    expect(applied(stream, { instance: "b", reset: true, offset: 0, data: "$ " })).toEqual(["<reset>", "$ "]);
  });
});
