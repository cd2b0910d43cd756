/** For log tests of either process: a stream a logger writes to, and the JSON lines it received. */
import { Writable } from "node:stream";

export function capturedJsonLines(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) };
}
