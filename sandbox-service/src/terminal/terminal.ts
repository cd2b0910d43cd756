/**
 * One shell with a TTY in a sandbox, shared by every browser tab that shows it.
 * Output goes to a bounded scrollback and to every attached viewer; input from any viewer
 * goes to the shell. The TTY takes the smallest size among the viewers, so nobody sees
 * lines wrapped for someone else's wider window.
 */
import { randomBytes } from "node:crypto";
import type { TerminalSize } from "../../../shared/protocol";
import type { TtyProcess } from "../engine/engine";
import { Scrollback, type ReplaySlice } from "./scrollback";

export interface TerminalViewer {
  readonly id: string;
  output(offset: number, data: Buffer): void;
  exited(message: string): void;
}

export enum TerminalState {
  Open = "open",
  Exited = "exited",
}

export class Terminal {
  /** Distinguishes this shell from an earlier one with the same terminal id. */
  readonly instance = randomBytes(6).toString("hex");
  private state = TerminalState.Open;
  private readonly scrollback: Scrollback;
  private readonly viewers = new Map<string, { viewer: TerminalViewer; size: TerminalSize }>();
  private appliedSize: TerminalSize;
  private readonly exitListeners: Array<() => void> = [];

  constructor(
    private readonly tty: TtyProcess,
    initialSize: TerminalSize,
    scrollbackBytes: number,
  ) {
    this.scrollback = new Scrollback(scrollbackBytes);
    this.appliedSize = initialSize;
    tty.stream.on("data", (chunk: Buffer) => this.onOutput(chunk));
    tty.stream.once("end", () => this.onExit("The shell has exited."));
    tty.stream.once("close", () => this.onExit("The shell has exited."));
    tty.stream.once("error", () => this.onExit("The connection to the shell was lost."));
  }

  get isOpen(): boolean {
    return this.state === TerminalState.Open;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  onExited(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Adds a viewer and returns what it is missing since `since` (its last known offset).
   * Synchronous on purpose: no output can slip between the replay and the live stream.
   */
  attach(viewer: TerminalViewer, size: TerminalSize, since?: number): ReplaySlice {
    this.viewers.set(viewer.id, { viewer, size });
    this.applySmallestSize();
    return this.scrollback.since(since);
  }

  detach(viewerId: string): void {
    if (this.viewers.delete(viewerId)) this.applySmallestSize();
  }

  input(data: string): void {
    if (this.state === TerminalState.Open) this.tty.stream.write(data);
  }

  resize(viewerId: string, size: TerminalSize): void {
    const entry = this.viewers.get(viewerId);
    if (!entry) return;
    entry.size = size;
    this.applySmallestSize();
  }

  /** Ends the shell (closing its stream hangs it up). */
  close(): void {
    this.tty.stream.destroy();
    this.onExit("The sandbox was closed.");
  }

  private onOutput(chunk: Buffer): void {
    const offset = this.scrollback.end;
    this.scrollback.append(chunk);
    for (const { viewer } of this.viewers.values()) viewer.output(offset, chunk);
  }

  private onExit(message: string): void {
    if (this.state === TerminalState.Exited) return;
    this.state = TerminalState.Exited;
    for (const { viewer } of this.viewers.values()) viewer.exited(message);
    this.viewers.clear();
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
