import { describe, expect, it } from "vitest";
import { onTheWire } from "./socket-viewer";

/** What the browser does with what arrives (components/connection/request.ts, `bytes`). */
const received = (data: string | Buffer) => (typeof data === "string" ? Buffer.from(new TextEncoder().encode(data)) : data);

describe("terminal output on the wire", () => {
  it("sends text as text, so an echo is one WebSocket frame", () => {
    expect(onTheWire(Buffer.from("x"))).toBe("x");
    expect(onTheWire(Buffer.from("root@shell-1:~# ls é 🐳\r\n"))).toBe("root@shell-1:~# ls é 🐳\r\n");
  });

  it("delivers whatever bytes a sandbox prints exactly, UTF-8 or not", () => {
    const hostile = [
      Buffer.from([0xff, 0xfe, 0x00, 0x41]), // not UTF-8 at all
      Buffer.from("🐳").subarray(0, 2), // a chunk ending inside a character
      Buffer.from("🐳").subarray(2), // and the next one starting inside it
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate: not valid UTF-8, would not round-trip
      Buffer.from([0xc0, 0xaf]), // an overlong "/"
      Buffer.from("\x00\x1b[31mred\x1b[0m\x07", "latin1"), // NUL, escapes, bell: valid, sent as text
      Buffer.from([0xef, 0xbb, 0xbf, 0x61]), // a byte-order mark, which a decoder could drop
    ];
    for (const chunk of hostile) expect(received(onTheWire(chunk)).equals(chunk)).toBe(true);
    expect(typeof onTheWire(hostile[0]!)).not.toBe("string");
  });
});
