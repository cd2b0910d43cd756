/**
 * Issue 16, item 2: a check or an editor save in flight when the connection to the sandbox
 * service goes away either completes or says in a sentence that it must be tried again;
 * it never keeps a button spinning until the minute's timeout.
 *
 * request() leans on socket.io-client for the prompt part: when a socket closes, the
 * library fails every acknowledgement still waiting (Socket._clearAcks, "socket has been
 * disconnected") after setting `connected` to false, and request() turns that into
 * "not_connected" with LOST. The first block pins request()'s side of that with FakeSocket;
 * the second drives socket.io-client's own Socket class (over an in-memory stand-in for its
 * Manager, no network) so a library upgrade that stopped failing pending acks would show here.
 */
import { Socket } from "socket.io-client";
import type { Manager } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EVENTS, type Ack, type CheckResult, type FileWritten } from "../../shared/protocol";
import { type ClientSocket, LOST, NOT_CONNECTED, request, REQUEST_TIMEOUT_MS, RequestError } from "./request";

type Answer = (answer: Ack<unknown>) => void;

interface Pending {
  event: string;
  payload: unknown;
  /** The acknowledgement socket.io would call with the service's answer. */
  answer: Answer;
}

/**
 * Just what request() uses of a socket.io client socket (`connected`, `timeout(ms)` and
 * `emitWithAck`), behaving as socket.io-client 4.8 does: the timeout fails the ack with
 * "operation has timed out"; a close sets `connected` to false and then fails every ack still waiting with "socket has been disconnected"; an answer for an ack
 * already failed is dropped.
 */
class FakeSocket {
  connected = true;
  readonly pending: Pending[] = [];
  private nextTimeout: number | undefined;
  private readonly acks = new Map<Pending, (error: Error | null, answer?: unknown) => void>();

  timeout(ms: number): this {
    this.nextTimeout = ms;
    return this;
  }

  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    const ms = this.nextTimeout;
    this.nextTimeout = undefined;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry: Pending = { event, payload, answer: (answer) => this.acks.get(entry)?.(null, answer) };
      this.acks.set(entry, (error, answer) => {
        this.acks.delete(entry);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(answer);
      });
      if (ms !== undefined) timer = setTimeout(() => this.acks.get(entry)?.(new Error("operation has timed out")), ms);
      this.pending.push(entry);
    });
  }

  /** The connection drops (the service was killed, the network went away). */
  drop(): void {
    this.connected = false;
    for (const fail of [...this.acks.values()]) fail(new Error("socket has been disconnected"));
  }

  asClient(): ClientSocket<"learner"> {
    return this as unknown as ClientSocket<"learner">;
  }
}

/** How a promise settled, read without awaiting it (so a still-pending one shows as such). */
function settled<T>(promise: Promise<T>) {
  const state: { status: "pending" | "resolved" | "rejected"; value?: T; error?: unknown; settlements: number } = { status: "pending", settlements: 0 };
  promise.then(
    (value) => Object.assign(state, { status: "resolved", value, settlements: state.settlements + 1 }),
    (error: unknown) => Object.assign(state, { status: "rejected", error, settlements: state.settlements + 1 }),
  );
  return state;
}

/** Lets promise callbacks run without moving the (fake) clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);

const checkPassed: CheckResult = { step: "make-a-file", passed: true, message: "" };

function expectRetrySentence(error: unknown, sentence: string): void {
  expect(error).toBeInstanceOf(RequestError);
  const failure = error as RequestError;
  expect(failure.code).toBe("not_connected");
  expect(failure.message).toBe(sentence);
  expect(failure.message).toMatch(/try again/i);
}

/** Rejections nobody handled during a test: a request settled twice, or dropped, shows here. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  vi.useFakeTimers();
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});

afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  vi.useRealTimers();
});

describe("request() when the connection goes away", () => {
  it("answers with the service's value while connected", async () => {
    const socket = new FakeSocket();
    const result = request(socket.asClient(), EVENTS.checkRun, { step: "make-a-file" });
    expect(socket.pending).toHaveLength(1);
    expect(socket.pending[0]).toMatchObject({ event: EVENTS.checkRun, payload: { step: "make-a-file" } });
    socket.pending[0]!.answer({ ok: true, value: checkPassed });
    await expect(result).resolves.toEqual(checkPassed);
  });

  it("fails a check in flight at once when the connection drops, saying to try again (not after the timeout)", async () => {
    const socket = new FakeSocket();
    const state = settled(request(socket.asClient(), EVENTS.checkRun, { step: "make-a-file" }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.status).toBe("pending");

    socket.drop();
    await flush(); // no clock moved: the failure comes from the drop, not from the timer
    expect(state.status).toBe("rejected");
    expectRetrySentence(state.error, LOST);
    expect(vi.getTimerCount()).toBe(0); // the minute's timer went with it
  });

  it("fails an editor save in flight the same way", async () => {
    const socket = new FakeSocket();
    const state = settled(request(socket.asClient(), EVENTS.fileWrite, { path: "~/app.py", content: new TextEncoder().encode("print(1)\n") }));
    socket.drop();
    await flush();
    expectRetrySentence(state.error, LOST);
  });

  it("fails a request made while disconnected at once, without sending it", async () => {
    const socket = new FakeSocket();
    socket.connected = false;
    const state = settled(request(socket.asClient(), EVENTS.checkRun, { step: "make-a-file" }));
    await flush();
    expect(state.status).toBe("rejected");
    expectRetrySentence(state.error, NOT_CONNECTED);
    expect(socket.pending).toHaveLength(0);

    // No socket yet (the page is still asking for a token): the same sentence.
    const none = settled(request<"learner", typeof EVENTS.checkRun>(undefined, EVENTS.checkRun, { step: "make-a-file" }));
    await flush();
    expectRetrySentence(none.error, NOT_CONNECTED);
  });

  it("settles once: an answer arriving after the drop changes nothing and raises nothing", async () => {
    const socket = new FakeSocket();
    const state = settled(request(socket.asClient(), EVENTS.checkRun, { step: "make-a-file" }));
    socket.drop();
    await flush();
    socket.pending[0]!.answer({ ok: true, value: checkPassed });
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS * 2);
    expect(state).toMatchObject({ status: "rejected", settlements: 1 });
    expectRetrySentence(state.error, LOST);
    expect(unhandled).toEqual([]);
  });

  it("says the service took too long (code timeout) when no answer comes on a live connection", async () => {
    const socket = new FakeSocket();
    const state = settled(request(socket.asClient(), EVENTS.checkRun, { step: "make-a-file" }));
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    expect(state.status).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    expect(state.status).toBe("rejected");
    expect(state.error).toBeInstanceOf(RequestError);
    expect((state.error as RequestError).code).toBe("timeout");
    expect((state.error as RequestError).message).toMatch(/took too long.*try again/i);

    socket.pending[0]!.answer({ ok: true, value: checkPassed }); // too late: dropped
    await flush();
    expect(state.settlements).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it("passes the service's refusal on as its code and sentence", async () => {
    const socket = new FakeSocket();
    const state = settled(request(socket.asClient(), EVENTS.fileWrite, { path: "~/app.py", content: new Uint8Array(), baseVersion: "none" }));
    socket.pending[0]!.answer({ ok: false, error: { code: "conflict", message: "The file changed in the sandbox since you opened it." } });
    await flush();
    expect(state.error).toBeInstanceOf(RequestError);
    expect(state.error).toMatchObject({ code: "conflict", message: "The file changed in the sandbox since you opened it." });
  });
});

/**
 * Stands in for socket.io-client's Manager (the engine.io connection under a Socket): the
 * few members Socket touches, with packets the "server" sends fed in by the test.
 */
class InMemoryManager {
  readonly _autoConnect = false;
  readonly _readyState = "closed";
  readonly sent: { type: number; id?: number; data?: unknown[]; nsp?: string }[] = [];
  private readonly listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  readonly setTimeoutFn = (fn: () => void, ms: number) => setTimeout(fn, ms);
  readonly clearTimeoutFn = (timer: ReturnType<typeof setTimeout>) => clearTimeout(timer);

  open(): void {}
  _packet(packet: { type: number; id?: number; data?: unknown[]; nsp?: string }): void {
    this.sent.push(packet);
  }
  on(event: string, listener: (...args: unknown[]) => void): void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
  }
  off(event: string, listener: (...args: unknown[]) => void): void {
    this.listeners.get(event)?.delete(listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
  _destroy(): void {}
  _close(): void {}
}

// socket.io-parser's PacketType.
const CONNECT = 0;
const EVENT = 2;
const ACK = 3;

function connectedSocket() {
  const manager = new InMemoryManager();
  const socket = new Socket(manager as unknown as Manager, "/", {});
  socket.connect();
  manager.emit("packet", { type: CONNECT, nsp: "/", data: { sid: "sid-1" } });
  expect(socket.connected).toBe(true);
  return { manager, socket: socket as unknown as ClientSocket<"learner"> };
}

describe("request() over socket.io-client's own Socket", () => {
  it("answers a save that the service acknowledges", async () => {
    const { manager, socket } = connectedSocket();
    const written: FileWritten = { path: "/root/app.py", version: "none", size: 0 } as FileWritten;
    const result = request(socket, EVENTS.fileWrite, { path: "~/app.py", content: new Uint8Array() });
    const packet = manager.sent.find((p) => p.type === EVENT)!;
    expect(packet.data?.[0]).toBe(EVENTS.fileWrite);
    manager.emit("packet", { type: ACK, nsp: "/", id: packet.id, data: [{ ok: true, value: written }] });
    await expect(result).resolves.toEqual(written);
  });

  it("fails a check in flight as soon as the connection closes, and ignores its late answer", async () => {
    const { manager, socket } = connectedSocket();
    const state = settled(request(socket, EVENTS.checkRun, { step: "make-a-file" }));
    const packet = manager.sent.find((p) => p.type === EVENT)!;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.status).toBe("pending");

    manager.emit("close", "transport close");
    await flush();
    expect(state.status).toBe("rejected");
    expectRetrySentence(state.error, LOST);

    // The old connection's answer, had it slipped through, finds no ack waiting.
    manager.emit("packet", { type: ACK, nsp: "/", id: packet.id, data: [{ ok: true, value: checkPassed }] });
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS * 2);
    expect(state.settlements).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it("says too long (code timeout) when a live connection never answers", async () => {
    const { socket } = connectedSocket();
    const state = settled(request(socket, EVENTS.checkRun, { step: "make-a-file" }));
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
    expect(state.status).toBe("rejected");
    expect((state.error as RequestError).code).toBe("timeout");
  });
});
