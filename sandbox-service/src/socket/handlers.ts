/**
 * Validation at the edge, from the protocol's event table (shared/protocol.ts): every
 * payload is parsed with its event's schema before a handler sees it; failures answer
 * with a sentence and are logged, never thrown. A socket gets a handler for every event
 * its role may send (the handler tables' types demand one each) and a refusal, in a
 * sentence, for every event of the other role.
 */
import type { DefaultEventsMap, Server, Socket } from "socket.io";
import type { z } from "zod";
import {
  EVENTS,
  MESSAGES,
  REQUESTS,
  type Ack,
  type ClientEvents,
  type MessageName,
  type ParsedMessage,
  type ParsedRequest,
  type ProtocolErrorBody,
  type Reply,
  type RequestName,
  type Role,
  type ServerEvents,
} from "../../../shared/protocol";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../user-facing-error";
import type { SocketData } from "./auth";

/** A socket of the service, typed by the protocol's table for both roles (its token decides which it is). */
export type ServiceSocket = Socket<ClientEvents<Role>, ServerEvents<Role>, DefaultEventsMap, SocketData>;
/** The service's socket.io server, typed the same way: what it emits to rooms is checked against the table. */
export type ServiceServer = Server<ClientEvents<Role>, ServerEvents<Role>, DefaultEventsMap, SocketData>;

/** One handler per request a role may make; its value (or a thrown UserFacingError) is the answer. */
export type RequestHandlers<R extends Role> = { [E in RequestName<R>]: (payload: ParsedRequest<E>) => Promise<Reply<E>> | Reply<E> };
/** One handler per message a role may send. A thrown UserFacingError comes back as protocol:error. */
export type MessageHandlers<R extends Role> = { [E in MessageName<R>]: (payload: ParsedMessage<E>) => void };

/** What a socket of the other role is told when it sends what is not its to send. */
const NOT_YOURS: Record<Role, string> = {
  learner: "Only the workshop's instructor can do that.",
  instructor: "A workshop dashboard cannot do that; it is for the learner's own page.",
};

function describe(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

export function toErrorBody(error: unknown, log: Logger, event: string): ProtocolErrorBody {
  if (error instanceof UserFacingError) return { code: error.code, message: error.message };
  log.error("handler failed", { event, error });
  return { code: "internal", message: "Something went wrong on our side. Please try again in a moment." };
}

/**
 * Registers `handlers` for the events the table gives `role`, and refusals for the others'.
 * Raw `socket.on` on purpose: a client may send anything, the table decides what it means.
 */
export function serve<R extends Role>(
  socket: ServiceSocket,
  role: R,
  log: Logger,
  handlers: { requests: RequestHandlers<R>; messages: MessageHandlers<R> },
): void {
  const raw = socket as unknown as Socket;
  const protocolError = (event: string, body: ProtocolErrorBody) => raw.emit(EVENTS.protocolError, { event, ...body });

  for (const [event, definition] of Object.entries(REQUESTS) as Array<[RequestName, (typeof REQUESTS)[RequestName]]>) {
    if (definition.from !== role) {
      raw.on(event, (...args: unknown[]) => {
        log.warn(`a ${role} socket sent another role's request`, { event, socket: socket.id });
        const ack = args.at(-1);
        const error: ProtocolErrorBody = { code: "forbidden", message: NOT_YOURS[role] };
        if (typeof ack === "function") (ack as (answer: Ack<never>) => void)({ ok: false, error });
        else protocolError(event, error);
      });
      continue;
    }
    const handler = (handlers.requests as Record<string, (payload: unknown) => unknown>)[event]!;
    raw.on(event, async (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== "function") {
        log.warn("request without acknowledgement", { event, socket: socket.id });
        protocolError(event, { code: "bad_request", message: `"${event}" needs an acknowledgement callback.` });
        return;
      }
      const reply = ack as (answer: Ack<unknown>) => void;
      const parsed = definition.payload.safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) {
        log.warn("malformed request", { event, socket: socket.id });
        reply({ ok: false, error: { code: "bad_request", message: `Malformed "${event}" message (${describe(parsed.error.issues)}).` } });
        return;
      }
      try {
        reply({ ok: true, value: await handler(parsed.data) });
      } catch (error) {
        reply({ ok: false, error: toErrorBody(error, log, event) });
      }
    });
  }

  for (const [event, definition] of Object.entries(MESSAGES) as Array<[MessageName, (typeof MESSAGES)[MessageName]]>) {
    if (definition.from !== role) {
      raw.on(event, () => protocolError(event, { code: "forbidden", message: NOT_YOURS[role] }));
      continue;
    }
    const handler = (handlers.messages as Record<string, (payload: unknown) => void>)[event]!;
    raw.on(event, (payload: unknown) => {
      const parsed = definition.payload.safeParse(payload);
      if (!parsed.success) {
        log.warn("malformed message", { event, socket: socket.id });
        protocolError(event, { code: "bad_request", message: `Malformed "${event}" message (${describe(parsed.error.issues)}).` });
        return;
      }
      try {
        handler(parsed.data);
      } catch (error) {
        protocolError(event, toErrorBody(error, log, event));
      }
    });
  }
}
