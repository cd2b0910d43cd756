/**
 * One shell with a TTY in a sandbox, shared by every browser tab that shows it.
 *
 * - Output goes to a bounded scrollback and to every attached viewer. A chunk arriving on
 *   an idle line (a keystroke's echo) goes out at once; chunks that arrive together are
 *   coalesced (flushed on setImmediate: far fewer messages under a flood).
 * - Flow control: each viewer acknowledges what it has rendered. While any viewer is more
 *   than FLOW.HIGH_WATERMARK bytes behind, the shell's output stream is paused (the shell
 *   then blocks on its TTY, so nothing piles up in the service); it resumes once every
 *   viewer is under FLOW.LOW_WATERMARK. A viewer that stays behind for `stallMs` is
 *   detached so one frozen tab cannot stall the others; it re-attaches with a replay.
 * - The TTY takes the smallest size among viewers, so nobody sees lines wrapped for
 *   someone else's wider window.
 * - Observers (an instructor shadowing a learner) get the same output but have no say:
 *   their size is ignored and they never pause the shell, so watching cannot disturb the
 *   learner. The shell's pace is the learner's, which bounds what an observer is sent.
 * - Riding out the engine: when the shell's stream ends but the shell did not exit (the
 *   Docker engine restarted, or the connection to it broke; `TtyProcess.endedBy`), the
 *   terminal says so in its own output, keeps its viewers, scrollback and offsets, and
 *   starts a new shell in the same sandbox as soon as the engine answers (`reopen`).
 *   Browsers see one continuous terminal: the old screen, a line saying what happened,
 *   and a new prompt.
 */
import { randomBytes } from "node:crypto";
import { FLOW, type TerminalSize } from "../../../shared/protocol";
import { EngineUnavailableError, type TtyProcess } from "../engine/engine";
import { Scrollback, type ReplaySlice } from "./scrollback";

export interface TerminalViewer {
  readonly id: string;
  output(offset: number, data: Buffer): void;
  /** The viewer is detached: the shell exited, or this viewer fell too far behind. */
  exited(message: string): void;
}

/** States only move forward, except Reconnecting → Open when a new shell has started. */
export enum TerminalState {
  Open = "open",
  /** The stream to the shell was lost (not exited): waiting for the engine to start a new one. */
  Reconnecting = "reconnecting",
  Exited = "exited",
}

interface Attached {
  viewer: TerminalViewer;
  size: TerminalSize;
  /** Output offset up to which this viewer has been sent data. */
  sent: number;
  /** Output offset up to which this viewer has rendered. */
  acked: number;
}

export interface TerminalOptions {
  scrollbackBytes: number;
  /** How long a viewer may hold the shell paused before it is detached. */
  stallMs?: number;
  /**
   * Starts a new shell of the same kind in the same sandbox, for when the stream to the
   * old one was lost. Rejects with EngineUnavailableError while the engine is away (the
   * terminal tries again), with anything else when the sandbox is gone (it gives up).
   * Without it a lost stream ends the terminal like an exit.
   */
  reopen?: (size: TerminalSize) => Promise<TtyProcess>;
  /** Waits before reopen attempt `n` (from 0); tests pass a faster one. */
  retryDelay?: (attempt: number) => Promise<void>;
}

/**
 * The size a shell starts at before anyone watches it (a pool's shell, the first shell of
 * a new sandbox); the learner's browser resizes it on attach.
 */
export const FIRST_SHELL_SIZE: TerminalSize = { cols: 80, rows: 24 };
/** The terminal id a page opens first; a shell started before the page asks gets it. */
export const MAIN_TERMINAL_ID = "main";

const DEFAULT_STALL_MS = 10_000;
/**
 * Between attempts to start a new shell while the engine is away: a restarted dockerd
 * answers within 1–3 s, so start fast; capped so that a long outage costs one request
 * per terminal every few seconds, not a stream of them.
 */
const REOPEN_DELAYS_MS = [250, 500, 1000, 2000, 4000];
const defaultRetryDelay = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, REOPEN_DELAYS_MS[Math.min(attempt, REOPEN_DELAYS_MS.length - 1)]));

const LOST_NOTICE = "\r\n\x1b[2m[The connection to your sandbox was interrupted (the platform's Docker engine is restarting). Your sandbox and its files are kept. Reconnecting…]\x1b[0m\r\n";
const RECONNECTED_NOTICE = "\x1b[2m[Reconnected. This is a new shell in the same sandbox: programs started in the old one may have stopped.]\x1b[0m\r\n";
/** Largest single output message; bigger batches are split. */
const MAX_BATCH_BYTES = 64 * 1024;
/**
 * Output arriving this long after the last flush finds the line idle and is sent at once,
 * without waiting for the setImmediate that coalesces a burst (about 0.05–0.1 ms of an
 * echo's path here: bench/README.md). Too long, and a chatty program's stream of small
 * chunks goes out one message each (more frames, more CPU on both sides); too short (or 0),
 * and every keystroke of a fast typist waits for the coalescing turn.
 */
const IDLE_LINE_MS = 5;

export class Terminal {
  /** Distinguishes this shell from an earlier one with the same terminal id. */
  readonly instance = randomBytes(6).toString("hex");
  private state = TerminalState.Open;
  private readonly scrollback: Scrollback;
  private readonly viewers = new Map<string, Attached>();
  private readonly observers = new Map<string, { viewer: TerminalViewer; sent: number }>();
  private appliedSize: TerminalSize;
  private readonly exitListeners: Array<() => void> = [];
  private flushScheduled = false;
  /** Output offset up to which flush() has run. */
  private flushedTo = 0;
  /** performance.now() of the last flush: output after a quiet spell goes out at once. */
  private flushedAt = -Infinity;
  private paused = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly stallMs: number;

  private tty: TtyProcess;

  constructor(
    tty: TtyProcess,
    initialSize: TerminalSize,
    private readonly options: TerminalOptions,
  ) {
    this.scrollback = new Scrollback(options.scrollbackBytes);
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.appliedSize = initialSize;
    this.tty = tty;
    this.connect(tty);
  }

  /** Not exited: showing a shell, or about to show a new one after a lost connection. */
  get isOpen(): boolean {
    return this.state !== TerminalState.Exited;
  }

  get currentState(): TerminalState {
    return this.state;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** True while output is held back because a viewer is behind. */
  get isPaused(): boolean {
    return this.paused;
  }

  onExited(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Adds a viewer and returns what it is missing since `since` (its last known offset).
   * Synchronous on purpose: no output can slip between the replay and the live stream.
   */
  attach(viewer: TerminalViewer, size: TerminalSize, since?: number): ReplaySlice {
    const replay = this.scrollback.since(since);
    const end = this.scrollback.end;
    // The replay itself is in flight: it counts as sent, and acked only once rendered.
    this.viewers.set(viewer.id, { viewer, size, sent: end, acked: replay.offset });
    this.applySmallestSize();
    this.updateFlow();
    return replay;
  }

  /** Adds a read-only observer and returns the replay of what the scrollback holds. */
  observe(viewer: TerminalViewer): ReplaySlice {
    const replay = this.scrollback.since(undefined);
    this.observers.set(viewer.id, { viewer, sent: this.scrollback.end });
    return replay;
  }

  unobserve(viewerId: string): void {
    this.observers.delete(viewerId);
  }

  detach(viewerId: string): void {
    if (!this.viewers.delete(viewerId)) return;
    this.applySmallestSize();
    this.updateFlow();
  }

  input(data: string): void {
    // While reconnecting there is no shell to type into; keystrokes are not kept for the next one.
    if (this.state === TerminalState.Open) this.tty.stream.write(data);
  }

  resize(viewerId: string, size: TerminalSize): void {
    const entry = this.viewers.get(viewerId);
    if (!entry) return;
    entry.size = size;
    this.applySmallestSize();
  }

  /** The viewer has rendered everything before `offset`. */
  ack(viewerId: string, offset: number): void {
    const entry = this.viewers.get(viewerId);
    if (!entry) return;
    entry.acked = Math.max(entry.acked, Math.min(offset, entry.sent));
    this.updateFlow();
  }

  /** Ends the shell (closing its stream hangs it up). */
  close(): void {
    this.onExit("The sandbox was closed.");
    this.tty.stream.destroy();
  }

  private connect(tty: TtyProcess): void {
    let ended = false;
    const end = (fallback: string) => {
      if (ended) return;
      ended = true;
      void this.onStreamEnded(tty, fallback);
    };
    tty.stream.on("data", (chunk: Buffer) => {
      if (tty === this.tty) this.onOutput(chunk);
    });
    tty.stream.once("end", () => end("The shell has exited."));
    tty.stream.once("close", () => end("The shell has exited."));
    tty.stream.once("error", () => end("The connection to the shell was lost."));
  }

  /** The stream of `tty` ended: the shell exited, or the connection to it was lost. */
  private async onStreamEnded(tty: TtyProcess, exitMessage: string): Promise<void> {
    if (tty !== this.tty || this.state !== TerminalState.Open) return;
    const reopen = this.options.reopen;
    if (!reopen || (await tty.endedBy()) === "exit") return this.onExit(exitMessage);
    if (this.state !== TerminalState.Open) return;
    this.state = TerminalState.Reconnecting;
    this.emitNotice(LOST_NOTICE);
    const wait = this.options.retryDelay ?? defaultRetryDelay;
    for (let attempt = 0; this.state === TerminalState.Reconnecting; attempt++) {
      await wait(attempt);
      if (this.state !== TerminalState.Reconnecting) return;
      let next: TtyProcess;
      try {
        next = await reopen(this.appliedSize);
      } catch (error) {
        if (error instanceof EngineUnavailableError) continue;
        return this.onExit("The connection to the shell was lost, and the sandbox no longer answers.");
      }
      if (this.state !== TerminalState.Reconnecting) {
        next.stream.destroy();
        return;
      }
      this.tty = next;
      this.state = TerminalState.Open;
      this.paused = false;
      clearTimeout(this.stallTimer);
      this.connect(next);
      this.emitNotice(RECONNECTED_NOTICE);
      this.applySmallestSize();
      this.updateFlow();
    }
  }

  /** A line of the platform's own in the terminal's output, where every viewer sees it and a replay keeps it. */
  private emitNotice(text: string): void {
    this.onOutput(Buffer.from(text, "utf8"));
  }

  private onOutput(chunk: Buffer): void {
    this.scrollback.append(chunk);
    // A burst (several reads in one turn of the event loop) is sent on at once, before the
    // bounded scrollback could drop bytes not yet sent to a viewer.
    if (this.scrollback.end - this.flushedTo >= MAX_BATCH_BYTES) return this.flush();
    if (!this.flushScheduled && performance.now() - this.flushedAt >= IDLE_LINE_MS) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends every viewer the bytes it has not been sent yet. */
  private flush(): void {
    this.flushScheduled = false;
    this.flushedAt = performance.now();
    const end = this.scrollback.end;
    this.flushedTo = end;
    for (const entry of this.viewers.values()) {
      if (entry.sent >= end) continue;
      const missing = this.scrollback.since(entry.sent);
      // A viewer so far behind that its bytes left the scrollback restarts from what is kept.
      let offset = missing.offset;
      for (let i = 0; i < missing.data.length; i += MAX_BATCH_BYTES) {
        const piece = missing.data.subarray(i, i + MAX_BATCH_BYTES);
        entry.viewer.output(offset, piece);
        offset += piece.length;
      }
      if (missing.reset) entry.acked = missing.offset;
      entry.sent = end;
    }
    for (const observer of this.observers.values()) {
      if (observer.sent >= end) continue;
      const missing = this.scrollback.since(observer.sent);
      observer.viewer.output(missing.offset, missing.data);
      observer.sent = end;
    }
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.state !== TerminalState.Open) return;
    let worst = 0;
    for (const entry of this.viewers.values()) worst = Math.max(worst, entry.sent - entry.acked);
    if (!this.paused && worst > FLOW.HIGH_WATERMARK) {
      this.paused = true;
      this.tty.stream.pause();
      this.stallTimer = setTimeout(() => this.dropStalledViewers(), this.stallMs);
    } else if (this.paused && worst <= FLOW.LOW_WATERMARK) {
      this.paused = false;
      clearTimeout(this.stallTimer);
      this.tty.stream.resume();
    }
  }

  private dropStalledViewers(): void {
    for (const [id, entry] of this.viewers) {
      if (entry.sent - entry.acked > FLOW.LOW_WATERMARK) {
        this.viewers.delete(id);
        entry.viewer.exited("This tab fell behind the terminal's output. Press Enter to catch up.");
      }
    }
    this.applySmallestSize();
    this.updateFlow();
  }

  private onExit(message: string): void {
    if (this.state === TerminalState.Exited) return;
    // The shell's last words (e.g. "logout") go out before the notice that it ended.
    if (this.flushScheduled) this.flush();
    this.state = TerminalState.Exited;
    clearTimeout(this.stallTimer);
    for (const { viewer } of this.viewers.values()) viewer.exited(message);
    for (const { viewer } of this.observers.values()) viewer.exited(message);
    this.viewers.clear();
    this.observers.clear();
    for (const listener of this.exitListeners) listener();
  }

  private applySmallestSize(): void {
    if (this.viewers.size === 0 || this.state !== TerminalState.Open) return;
    let cols = Infinity;
    let rows = Infinity;
    for (const { size } of this.viewers.values()) {
      cols = Math.min(cols, size.cols);
      rows = Math.min(rows, size.rows);
    }
    if (cols === this.appliedSize.cols && rows === this.appliedSize.rows) return;
    this.appliedSize = { cols, rows };
    void this.tty.resize(this.appliedSize);
  }
}
