/**
 * The browser's side of replay without duplicates. It remembers which shell it shows and
 * how many bytes of its output it has written; anything the service sends again (a replay
 * overlapping live output, or output racing a terminal:open answer) is written only once.
 * Pure logic: no DOM, no socket.
 */
import type { TerminalOpened, TerminalOutput, TerminalPosition } from "../../shared/protocol";

/** Output as bytes (the wire may carry it as text: `bytes()` in connection/request.ts turns it back). */
export type OutputBytes = Omit<TerminalOutput, "data"> & { data: Uint8Array };

/** Something to do to the screen: clear it (`reset`) and/or write `data`, which ends at output offset `end`. */
export type Write = { reset: boolean; data: Uint8Array; end: number };

/**
 * Written between the old screen and a new shell after the connection came back to the
 * same sandbox with a new shell (the sandbox service restarted, and its shells with it).
 */
export const NEW_SHELL_NOTICE = "\r\n\x1b[2m[Reconnected to the same sandbox. Your files and running programs are kept; this is a new shell.]\x1b[0m\r\n";

export class TerminalStream {
  private instance: string | undefined;
  private end = 0;
  /** Output that arrived while a terminal:open was pending, applied after its answer. */
  private queued: OutputBytes[] | undefined;
  /** The shell that was on screen when the connection was lost (see lost()). */
  private lostInstance: string | undefined;

  /** What to send as `since` in terminal:open. */
  position(): TerminalPosition | undefined {
    return this.instance === undefined ? undefined : { instance: this.instance, offset: this.end };
  }

  /** Call before sending terminal:open. */
  opening(): void {
    this.queued = [];
  }

  /** terminal:open failed: output flows again as before. */
  cancelOpening(): void {
    this.queued = undefined;
  }

  /**
   * The connection was lost while this shell was on screen. If the next terminal:open
   * brings another shell of the same sandbox, the screen is kept (it is the learner's
   * scrollback, which the restarted service no longer has) and the new shell follows a
   * notice, instead of a cleared screen.
   */
  lost(): void {
    this.lostInstance = this.instance;
  }

  /** The terminal:open answer: the writes to apply, in order. */
  opened(answer: TerminalOpened): Write[] {
    const writes: Write[] = [];
    const continued = this.lostInstance !== undefined && this.lostInstance === this.instance && answer.instance !== this.instance;
    this.lostInstance = undefined;
    if (answer.reset || answer.instance !== this.instance) {
      this.instance = answer.instance;
      this.end = answer.offset;
      writes.push({ reset: !continued, data: continued ? new TextEncoder().encode(NEW_SHELL_NOTICE) : new Uint8Array(0), end: this.end });
    }
    const replay = this.accept(answer.offset, answer.data);
    if (replay) writes.push({ reset: false, data: replay, end: this.end });
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const output of queued) {
      const write = this.output(output);
      if (write) writes.push(write);
    }
    return writes;
  }

  /** Live output: what to write, or null when it is old, queued, or another shell's. */
  output(output: OutputBytes): Write | null {
    if (this.queued) {
      this.queued.push(output);
      return null;
    }
    if (output.instance !== this.instance) return null;
    const data = this.accept(output.offset, output.data);
    return data ? { reset: false, data, end: this.end } : null;
  }

  /** Forget everything (a new sandbox: nothing known about its shells). */
  clear(): void {
    this.instance = undefined;
    this.end = 0;
    this.queued = undefined;
    this.lostInstance = undefined;
  }

  private accept(offset: number, data: Uint8Array): Uint8Array | null {
    const stop = offset + data.length;
    if (stop <= this.end) return null;
    // A gap (offset > end) cannot be filled any more; write what we have.
    const fresh = offset < this.end ? data.subarray(this.end - offset) : data;
    this.end = stop;
    return fresh;
  }
}
