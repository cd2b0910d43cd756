/**
 * The event table's promises, checked by the compiler (`npm run typecheck` covers this
 * file) and by a run: a role's handler table must answer every event of that role, with
 * the payload its schema parses and the reply its table entry names.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { EVENTS, type Ack } from "../../../shared/protocol";
import { silentLogger } from "../log/logger";
import { serve, type MessageHandlers, type RequestHandlers, type ServiceSocket } from "./handlers";

const instructorRequests: RequestHandlers<"instructor"> = {
  [EVENTS.workshopWatch]: () => ({}) as never,
  [EVENTS.workshopAnnounce]: ({ text }) => (text.length > 0 ? {} : {}),
  [EVENTS.workshopHint]: () => ({}),
  [EVENTS.workshopShadow]: () => ({}) as never,
  [EVENTS.workshopUnshadow]: () => ({}),
  [EVENTS.workshopEnd]: () => ({ removed: 0 }),
};

// @ts-expect-error a handler table without one of its role's requests does not compile
const missing: RequestHandlers<"instructor"> = { [EVENTS.workshopWatch]: () => ({}) as never };
// @ts-expect-error nor does a reply of the wrong shape
const wrongReply: RequestHandlers<"instructor"> = { ...instructorRequests, [EVENTS.workshopEnd]: () => ({ removed: "all" }) };
// @ts-expect-error nor a handler for an event the role may not send
const notTheirs: RequestHandlers<"instructor"> = { ...instructorRequests, [EVENTS.sandboxOpen]: () => ({}) as never };
// A role that sends no messages has an empty message table.
const noMessages: MessageHandlers<"instructor"> = {};
void [missing, wrongReply, notTheirs, noMessages];

/** Enough of a socket.io socket for serve(): it registers listeners, and emits protocol errors. */
function fakeSocket() {
  const socket = new EventEmitter() as EventEmitter & { id: string; sent: unknown[][] };
  socket.id = "fake";
  socket.sent = [];
  const emit = socket.emit.bind(socket);
  // Client → server events arrive through `deliver`; what the server emits is recorded.
  const deliver = (event: string, ...args: unknown[]) => emit(event, ...args);
  socket.emit = ((...args: unknown[]) => (socket.sent.push(args), true)) as typeof socket.emit;
  return { socket, deliver };
}

describe("serve", () => {
  it("parses each request with its schema, answers with its handler, and refuses the other role's events in a sentence", async () => {
    const { socket, deliver } = fakeSocket();
    serve(socket as unknown as ServiceSocket, "instructor", silentLogger, { requests: instructorRequests, messages: {} });
    const answer = (event: string, payload: unknown) => new Promise<Ack<unknown>>((resolve) => deliver(event, payload, resolve));

    expect(await answer(EVENTS.workshopEnd, {})).toEqual({ ok: true, value: { removed: 0 } });
    expect(await answer(EVENTS.workshopAnnounce, { text: "" })).toMatchObject({ ok: false, error: { code: "bad_request", message: expect.stringContaining("A message cannot be empty.") } });
    expect(await answer(EVENTS.sandboxOpen, {})).toEqual({ ok: false, error: { code: "forbidden", message: "A workshop dashboard cannot do that; it is for the learner's own page." } });
    deliver(EVENTS.terminalInput, { terminalId: "main", data: "rm -rf /\r" });
    expect(socket.sent).toContainEqual([EVENTS.protocolError, { event: EVENTS.terminalInput, code: "forbidden", message: "A workshop dashboard cannot do that; it is for the learner's own page." }]);
  });
});
