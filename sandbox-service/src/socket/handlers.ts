/**
 * Validation at the edge: every incoming payload is parsed with its zod schema before a
 * handler sees it; failures answer with a sentence and are logged, never thrown.
 */
import type { Socket } from "socket.io";
import type { z } from "zod";
import { EVENTS, type Ack, type ProtocolErrorBody } from "../../../shared/protocol";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../user-facing-error";

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

/** A request with an acknowledgement: the handler's value (or error) is the answer. */
export function onRequest<S extends z.ZodType, R>(
  socket: Socket,
  log: Logger,
  event: string,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R> | R,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== "function") {
      log.warn("request without acknowledgement", { event, socket: socket.id });
      socket.emit(EVENTS.protocolError, { event, code: "bad_request", message: `"${event}" needs an acknowledgement callback.` });
      return;
    }
    const reply = ack as (result: Ack<R>) => void;
    const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
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

/** A fire-and-forget message (keystrokes, resizes): bad ones get a protocol:error back. */
export function onMessage<S extends z.ZodType>(
  socket: Socket,
  log: Logger,
  event: string,
  schema: S,
  handler: (payload: z.infer<S>) => void,
): void {
  socket.on(event, (payload: unknown) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      log.warn("malformed message", { event, socket: socket.id });
      socket.emit(EVENTS.protocolError, { event, code: "bad_request", message: `Malformed "${event}" message (${describe(parsed.error.issues)}).` });
      return;
    }
    try {
      handler(parsed.data);
    } catch (error) {
      socket.emit(EVENTS.protocolError, { event, ...toErrorBody(error, log, event) });
    }
  });
}
