/**
 * Lets a stopping service answer the requests it has already accepted. Every socket's
 * requests (events with an acknowledgement) are counted while in flight; drain() refuses
 * new ones with a sentence and resolves once the last one in flight has been answered, or
 * after a deadline. Fire-and-forget messages (keystrokes) pass untouched: the shell is
 * still there until the socket closes.
 */
import type { Ack, ProtocolErrorBody } from "../../../shared/protocol";

type AckFn = (answer: Ack<unknown>) => void;

/** The part of a socket.io socket this needs: its middleware, which sees each incoming event (ack last) before the handlers. */
export interface RequestSource {
  use(fn: (event: unknown[], next: (error?: Error) => void) => void): unknown;
}

export class RequestDrain {
  private inFlight = 0;
  private refusal: ProtocolErrorBody | undefined;
  private onIdle: (() => void) | undefined;

  get pending(): number {
    return this.inFlight;
  }

  /** Counts this socket's requests (socket.io middleware: it sees each event before its handler). */
  watch(socket: RequestSource): void {
    socket.use((event, next) => {
      const last = event.length - 1;
      const ack = event[last];
      if (last < 1 || typeof ack !== "function") return next();
      if (this.refusal) return void (ack as AckFn)({ ok: false, error: this.refusal });
      this.inFlight++;
      let answered = false;
      event[last] = (answer: Ack<unknown>) => {
        if (!answered) {
          answered = true;
          this.inFlight--;
          if (this.inFlight === 0) this.onIdle?.();
        }
        (ack as AckFn)(answer);
      };
      next();
    });
  }

  /**
   * From now on requests are refused with `refusal`; resolves with the number still
   * unanswered when every accepted one was answered (0) or `timeoutMs` passed.
   */
  async drain(refusal: ProtocolErrorBody, timeoutMs: number): Promise<number> {
    this.refusal = refusal;
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.onIdle = undefined;
    }
    return this.inFlight;
  }
}
