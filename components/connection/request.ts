/**
 * The one way the browser's clients (a lesson page's sandbox connection, a workshop's
 * dashboard) ask the sandbox service something: the event table's types for the payload
 * and the answer, one timeout policy, and failures as sentences with a code.
 */
import type { Socket } from "socket.io-client";
import type { Ack, ClientEvents, ErrorCode, Reply, RequestName, RequestPayload, Role, ServerEvents } from "../../shared/protocol";

/**
 * How long a request may take before the learner is told. Creating a cold sandbox (or a
 * check on a busy machine) can take several seconds; past a minute something is wrong, and
 * waiting longer only keeps a button spinning.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

export type RequestFailure = ErrorCode | "not_connected" | "timeout";

/** A request that did not succeed: a sentence for the person, and a code for the UI to act on (e.g. "conflict"). */
export class RequestError extends Error {
  constructor(
    readonly code: RequestFailure,
    message: string,
  ) {
    super(message);
  }
}

export const NOT_CONNECTED = "Not connected to the sandbox service right now; try again in a moment.";
/** A request whose connection went away before the answer came (the service restarted, or the network dropped). */
export const LOST = "The connection was lost before the sandbox service answered. Nothing on this page is lost: try again once it says it is connected.";
const TOO_LONG = "The sandbox service took too long to answer. Try again in a moment.";

export type ClientSocket<R extends Role> = Socket<ServerEvents<R>, ClientEvents<R>>;

/** Sends `event` and resolves with its answer's value; rejects with a RequestError otherwise. */
export async function request<R extends Role, E extends RequestName<R>>(socket: ClientSocket<R> | undefined, event: E, payload: RequestPayload<E>): Promise<Reply<E>> {
  if (!socket?.connected) throw new RequestError("not_connected", NOT_CONNECTED);
  let answer: Ack<Reply<E>>;
  try {
    // socket.io's types cannot follow a generic event name through timeout(); the table's types hold at the call.
    const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<Reply<E>>> };
    answer = await timed.emitWithAck(event, payload);
  } catch {
    // socket.io fails a pending request when its connection closes, or when the timeout passes.
    if (!socket.connected) throw new RequestError("not_connected", LOST);
    throw new RequestError("timeout", TOO_LONG);
  }
  if (!answer.ok) throw new RequestError(answer.error.code, answer.error.message);
  return answer.value;
}

const utf8 = new TextEncoder();

/**
 * socket.io hands binary payloads to the browser as ArrayBuffer; terminal output comes as
 * text when it is valid UTF-8 (see TerminalOutput), encoded back here to the bytes the
 * service counted.
 */
export function bytes(data: Uint8Array | ArrayBuffer | string): Uint8Array {
  if (typeof data === "string") return utf8.encode(data);
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/**
 * While the agent cannot be reached, how often to ask the web app whether the learner now
 * belongs elsewhere. Below AGENT_LIVE_SECONDS (15 s) so a dead agent's learners move soon
 * after it leaves placement; not every retry, because each ask counts against the
 * address's token allowance (SANDBOX_TOKENS_PER_MINUTE).
 */
export const PLACEMENT_RECHECK_MS = 10_000;

/** What the web app answers when asked for a token to open a socket with. */
export interface SocketToken {
  token: string;
  sandboxUrl: string;
}

/** Asks the web app for a socket token (POST `url`); rejects with the web app's sentence when it refuses. */
export async function fetchSocketToken(url: string, body?: unknown): Promise<SocketToken> {
  const response = await fetch(url, {
    method: "POST",
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<SocketToken> & { error?: string };
  if (response.ok && answer.token && answer.sandboxUrl) return { token: answer.token, sandboxUrl: answer.sandboxUrl };
  throw new RequestError("forbidden", answer.error ?? "The platform could not issue a token. Reload the page.");
}
