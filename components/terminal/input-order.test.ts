import { describe, expect, it } from "vitest";
import { InputOrder } from "./input-order";

/** A clipboard read the test finishes when it wants. */
function clipboard() {
  let resolve!: (text: string) => void;
  let reject!: (error: Error) => void;
  const read = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  return { read, resolve, reject };
}

function terminal() {
  const sent: string[] = [];
  const order = new InputOrder();
  return {
    sent,
    order,
    key: (data: string) => order.now(() => sent.push(data)),
    // As xterm's term.paste does: the pasted text comes back through onData, synchronously.
    rightClick: (read: Promise<string>) =>
      order.later(read, (text) => order.now(() => sent.push(text)), () => sent.push("<refused>")),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("InputOrder", () => {
  it("sends keys at once while nothing is on its way", () => {
    const t = terminal();
    t.key("l");
    t.key("s");
    expect(t.sent).toEqual(["l", "s"]);
  });

  it("holds keys pressed while a right-click paste reads the clipboard, and sends them after the pasted text", async () => {
    const t = terminal();
    const slow = clipboard();
    t.key("x");
    t.rightClick(slow.read);
    t.key("\r");
    await settled();
    expect(t.sent).toEqual(["x"]);
    slow.resolve("echo pasted");
    await settled();
    expect(t.sent).toEqual(["x", "echo pasted", "\r"]);
    t.key("y");
    expect(t.sent).toEqual(["x", "echo pasted", "\r", "y"]);
  });

  it("keeps two pastes in the order of the clicks, whichever clipboard read finishes first", async () => {
    const t = terminal();
    const [first, second] = [clipboard(), clipboard()];
    t.rightClick(first.read);
    t.key("1");
    t.rightClick(second.read);
    t.key("2");
    second.resolve("B");
    await settled();
    expect(t.sent).toEqual([]);
    first.resolve("A");
    await settled();
    expect(t.sent).toEqual(["A", "1", "B", "2"]);
  });

  it("a refused clipboard read says so and lets the held keys through", async () => {
    const t = terminal();
    const refused = clipboard();
    t.rightClick(refused.read);
    t.key("\r");
    refused.reject(new Error("denied"));
    await settled();
    expect(t.sent).toEqual(["<refused>", "\r"]);
  });

  it("an action that throws does not hold back the input after it", async () => {
    const order = new InputOrder();
    const sent: string[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on("uncaughtException", onError);
    try {
      const read = clipboard();
      order.later(read.read, () => {
        throw new Error("broken paste");
      }, () => undefined);
      order.now(() => sent.push("\r"));
      read.resolve("x");
      await settled();
      await settled();
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(sent).toEqual(["\r"]);
    expect(errors).toHaveLength(1);
  });
});
