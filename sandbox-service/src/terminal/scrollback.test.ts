import { describe, expect, it } from "vitest";
import { Scrollback } from "./scrollback";

const text = (b: Buffer) => b.toString("utf8");

describe("Scrollback", () => {
  it("counts absolute offsets across appends", () => {
    const s = new Scrollback(100);
    s.append(Buffer.from("hello "));
    s.append(Buffer.from("world"));
    expect(s.start).toBe(0);
    expect(s.end).toBe(11);
    expect(text(s.since(6).data)).toBe("world");
    expect(s.since(6)).toMatchObject({ offset: 6, reset: false });
    expect(s.since(11).data.length).toBe(0);
  });

  it("slices from any offset, within a chunk or across several", () => {
    const s = new Scrollback(100);
    for (const part of ["ab", "cde", "f", "ghij"]) s.append(Buffer.from(part));
    for (let offset = 0; offset <= 10; offset++) expect(text(s.since(offset).data)).toBe("abcdefghij".slice(offset));
  });

  it("keeps only the newest bytes, splitting a chunk when needed", () => {
    const s = new Scrollback(8);
    s.append(Buffer.from("abcdef"));
    s.append(Buffer.from("ghijkl"));
    expect(s.start).toBe(4);
    expect(s.end).toBe(12);
    expect(text(s.since(6).data)).toBe("ghijkl");
  });

  it("replays everything when the browser knows nothing", () => {
    const s = new Scrollback(100);
    s.append(Buffer.from("one\ntwo\n"));
    expect(s.since(undefined)).toMatchObject({ offset: 0, reset: true });
    expect(text(s.since(undefined).data)).toBe("one\ntwo\n");
  });

  it("starts a replay of trimmed output at a line boundary", () => {
    const s = new Scrollback(10);
    s.append(Buffer.from("line-one\nline-two\nok"));
    // Kept: "-two\nok" would start mid-line; the replay starts after the first newline kept.
    const replay = s.since(0);
    expect(replay.reset).toBe(true);
    expect(text(replay.data)).toBe("ok");
    expect(replay.offset).toBe(s.end - 2);
  });

  it("treats an offset from the future as unknown", () => {
    const s = new Scrollback(100);
    s.append(Buffer.from("abc"));
    expect(s.since(50)).toMatchObject({ offset: 0, reset: true });
  });
});
