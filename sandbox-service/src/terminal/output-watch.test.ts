import { describe, expect, it } from "vitest";
import { FakeTty } from "../engine/testing/fake-engine";
import { watchOutput } from "./output-watch";
import { Terminal } from "./terminal";

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function print(tty: FakeTty, text: string | Buffer) {
  tty.output.write(text);
  await tick();
  await tick();
}

describe("watchOutput", () => {
  it("sees a phrase in any case, even split between two chunks of output", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    let matches = 0;
    watchOutput(terminal, ["disk quota exceeded"], () => matches++);
    await print(tty, "dd: error writing '/root/big': Disk quo");
    expect(matches).toBe(0);
    await print(tty, "ta exceeded\r\n");
    expect(matches).toBe(1);
    await print(tty, "write /var/lib/docker/x: DISK QUOTA EXCEEDED\r\n");
    expect(matches).toBe(2);
  });

  it("ignores other output, binary bytes included, and stops when told", async () => {
    const tty = new FakeTty();
    const terminal = new Terminal(tty.process(), { cols: 80, rows: 24 }, { scrollbackBytes: 1024 });
    let matches = 0;
    const stop = watchOutput(terminal, ["disk quota exceeded"], () => matches++);
    await print(tty, Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a]));
    await print(tty, "disk quota is fine\r\n");
    expect(matches).toBe(0);
    stop();
    await print(tty, "Disk quota exceeded\r\n");
    expect(matches).toBe(0);
  });
});
