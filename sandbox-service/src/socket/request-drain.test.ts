import { describe, expect, it } from "vitest";
import type { Ack } from "../../../shared/protocol";
import { RequestDrain } from "./request-drain";

type Middleware = (event: unknown[], next: (error?: Error) => void) => void;

/** A stand-in for a socket.io socket: runs its middleware, then the handler, like socket.io does. */
class FakeSocket {
  private middleware: Middleware[] = [];
  readonly handled: string[] = [];

  use(fn: Middleware): this {
    this.middleware.push(fn);
    return this;
  }

  receive(event: unknown[]): void {
    this.middleware[0]!(event, () => this.handled.push(String(event[0])));
  }
}

function request(socket: FakeSocket, name: string): { answers: Array<Ack<unknown>>; event: unknown[] } {
  const answers: Array<Ack<unknown>> = [];
  const event: unknown[] = [name, {}, (answer: Ack<unknown>) => answers.push(answer)];
  socket.receive(event);
  return { answers, event };
}

const answerOf = (event: unknown[]) => event.at(-1) as (answer: Ack<unknown>) => void;
const RESTARTING = { code: "unavailable" as const, message: "The platform is restarting." };

describe("RequestDrain", () => {
  it("lets a stop wait for the requests in flight, and hands their answers through", async () => {
    const drain = new RequestDrain();
    const socket = new FakeSocket();
    drain.watch(socket);
    const first = request(socket, "check:run");
    const second = request(socket, "file:write");
    expect(drain.pending).toBe(2);

    let drained: number | undefined;
    const stopping = drain.drain(RESTARTING, 60_000).then((left) => (drained = left));
    answerOf(first.event)({ ok: true, value: "passed" });
    await Promise.resolve();
    expect(drained).toBeUndefined();
    answerOf(second.event)({ ok: true, value: "saved" });
    expect(await stopping).toBe(0);
    expect(first.answers).toEqual([{ ok: true, value: "passed" }]);
    expect(second.answers).toEqual([{ ok: true, value: "saved" }]);
  });

  it("refuses requests that arrive while draining, in a sentence, without running them", async () => {
    const drain = new RequestDrain();
    const socket = new FakeSocket();
    drain.watch(socket);
    await drain.drain(RESTARTING, 1000);
    const late = request(socket, "check:run");
    expect(late.answers).toEqual([{ ok: false, error: RESTARTING }]);
    expect(socket.handled).toEqual([]);
  });

  it("lets keystrokes (no acknowledgement) through while draining", async () => {
    const drain = new RequestDrain();
    const socket = new FakeSocket();
    drain.watch(socket);
    await drain.drain(RESTARTING, 1000);
    socket.receive(["terminal:input", { terminalId: "main", data: "ls\r" }]);
    expect(socket.handled).toEqual(["terminal:input"]);
  });

  it("gives up waiting after the deadline and says how many were left unanswered", async () => {
    const drain = new RequestDrain();
    const socket = new FakeSocket();
    drain.watch(socket);
    request(socket, "sandbox:open");
    expect(await drain.drain(RESTARTING, 10)).toBe(1);
  });

  it("counts an answer once, even if a handler answers twice", async () => {
    const drain = new RequestDrain();
    const socket = new FakeSocket();
    drain.watch(socket);
    const one = request(socket, "check:run");
    request(socket, "file:read");
    answerOf(one.event)({ ok: true, value: 1 });
    answerOf(one.event)({ ok: true, value: 1 });
    expect(drain.pending).toBe(1);
  });
});
