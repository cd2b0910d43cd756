/**
 * The browser's connection to its sandbox: fetches a token from the web app, connects to
 * the sandbox service, opens (or re-attaches to) the learner's sandbox and its terminal,
 * and keeps doing so across disconnects. UI-agnostic: it reports through callbacks.
 */
import { io, type Socket } from "socket.io-client";
import {
  EVENTS,
  FLOW,
  MAX_INPUT_CHARS,
  type Ack,
  type CheckResult,
  type ClientToServerEvents,
  type ConnectErrorData,
  type ErrorCode,
  type FileContent,
  type FileWritten,
  type SandboxEnded,
  type SandboxInfo,
  type ServerToClientEvents,
  type TerminalOpened,
  type TerminalSize,
  type WorkshopEndedEvent,
  type WorkshopMessageEvent,
} from "../../shared/protocol";
import { TerminalStream, type Write } from "./terminal-stream";

/** Exposed as `data-status` on the terminal for tests and styling. */
export type ConnectionStatus = "connecting" | "starting" | "connected" | "reconnecting" | "error" | "ended";

export interface ConnectionEvents {
  status(status: ConnectionStatus, message: string): void;
  /** Apply to the screen, then call `rendered(write.end)` once the terminal has processed it. */
  write(write: Write): void;
  sandbox(info: SandboxInfo): void;
  exited(message: string): void;
  ended(ended: SandboxEnded): void;
  notice(message: string): void;
  /** The maximum lifetime is near (or was just moved by an extension). */
  expiring(expiry: { expiresAt: string; canExtend: boolean } | null): void;
  /** A step passed in another tab of this sandbox. */
  checkPassed(step: string): void;
  /** An announcement or hint from the workshop's instructor. */
  workshopMessage?(message: WorkshopMessageEvent): void;
  workshopEnded?(ended: WorkshopEndedEvent): void;
}

interface TokenAnswer {
  token: string;
  sandboxUrl: string;
}

/** Retry delay after a failure the learner cannot fix (engine down, service busy). */
const RETRY_MS = 3000;
/** Creating a sandbox can take a few seconds on a busy machine; past this we retry. */
const REQUEST_TIMEOUT_MS = 60_000;
const TERMINAL_ID = "main";

type DojoSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** socket.io hands binary payloads to the browser as ArrayBuffer. */
function bytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** A request the sandbox service refused: its sentence, and a code for the UI to act on (e.g. "conflict"). */
export class SandboxRequestError extends Error {
  constructor(
    readonly code: ErrorCode | "not_connected" | "timeout",
    message: string,
  ) {
    super(message);
  }
}

const NOT_CONNECTED = "Your sandbox is not connected right now; try again in a moment.";
/** A request whose connection went away before the answer came (the service restarted, or the network dropped). */
const LOST = "The connection to your sandbox was lost before it answered. Nothing on this page is lost: try again once the terminal says it is connected.";
const CONNECTION_LOST = "Connection lost. Reconnecting…";

export class SandboxConnection {
  private socket: DojoSocket | undefined;
  private readonly stream = new TerminalStream();
  private sandboxId: string | undefined;
  private terminalOpen = false;
  /** The service has bound this socket to the sandbox (sandbox:open answered), so requests about it work. */
  private sandboxReady = false;
  private resetting = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Output offset last acknowledged to the service (flow control). */
  private acked = 0;
  /** The service said it is restarting: what to show until it answers again. */
  private restarting: string | undefined;

  constructor(
    private readonly lesson: string,
    private size: TerminalSize,
    private readonly on: ConnectionEvents,
  ) {}

  async start(): Promise<void> {
    this.on.status("connecting", "Connecting to your sandbox…");
    const first = await this.tokenUntilAnswered();
    if (this.stopped) return;
    let pending: TokenAnswer | undefined = first;
    const socket: DojoSocket = io(first.sandboxUrl, {
      transports: ["websocket"],
      reconnectionDelayMax: 5000,
      // Called before every (re)connect: a fresh token each time, so expiry never strands a tab.
      auth: (done) => {
        const use = pending;
        pending = undefined;
        if (use) return done({ token: use.token });
        this.tokenUntilAnswered().then(
          (answer) => done({ token: answer.token }),
          () => undefined, // stopped while waiting
        );
      },
    });
    this.socket = socket;

    socket.on("connect", () => {
      this.restarting = undefined;
      this.openSandbox();
    });
    socket.on("disconnect", (reason) => {
      // The shell on screen stays there: if the service comes back with a new one (it
      // restarted), the screen is kept and the new shell follows (TerminalStream.lost).
      if (this.terminalOpen) this.stream.lost();
      this.terminalOpen = false;
      this.sandboxReady = false;
      this.resetting = false;
      if (this.stopped) return;
      this.on.status("reconnecting", this.restarting ?? CONNECTION_LOST);
      // A server-side disconnect is not retried by socket.io on its own.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on(EVENTS.serviceRestarting, ({ message }) => {
      this.restarting = message;
      this.on.status("reconnecting", message);
    });
    socket.on("connect_error", (error) => {
      if (socket.active) {
        this.on.status("reconnecting", this.restarting ?? "Cannot reach the sandbox service. Retrying…");
        return;
      }
      // Refused by the service (token problem): socket.io gives up; we retry with a new token.
      const data = (error as Error & { data?: ConnectErrorData }).data;
      this.on.status("error", data?.code === "unauthorized" ? error.message : "The sandbox service refused the connection.");
      this.retry(() => socket.connect());
    });
    socket.on(EVENTS.sandboxStatus, (status) => {
      if (!this.terminalOpen) this.on.status("starting", status.message);
    });
    socket.on(EVENTS.terminalOutput, (output) => {
      const write = this.stream.output({ ...output, data: bytes(output.data) });
      if (write) this.on.write(write);
    });
    socket.on(EVENTS.terminalExit, (exit) => {
      if (exit.terminalId !== TERMINAL_ID || exit.instance !== this.stream.position()?.instance) return;
      this.terminalOpen = false;
      this.on.exited(exit.message);
    });
    socket.on(EVENTS.sandboxEnded, (ended) => {
      if (ended.sandboxId !== this.sandboxId) return;
      this.terminalOpen = false;
      this.sandboxReady = false;
      this.sandboxId = undefined;
      this.stream.clear();
      if (ended.reason === "reset") {
        // Another tab reset it: follow along to the new sandbox.
        if (!this.resetting) this.openSandbox();
        return;
      }
      this.on.status("ended", ended.message);
      this.on.ended(ended);
    });
    socket.on(EVENTS.sandboxExpiring, (expiring) => {
      if (expiring.sandboxId === this.sandboxId) this.on.expiring(expiring);
    });
    socket.on(EVENTS.checkPassed, ({ step }) => this.on.checkPassed(step));
    socket.on(EVENTS.sandboxNotice, (notice) => {
      if (notice.sandboxId === this.sandboxId) this.on.notice(notice.message);
    });
    socket.on(EVENTS.protocolError, (error) => console.warn(`sandbox service: ${error.message}`));
    socket.on(EVENTS.workshopMessage, (message) => this.on.workshopMessage?.(message));
    socket.on(EVENTS.workshopEnded, (ended) => this.on.workshopEnded?.(ended));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
  }

  /** Sends keystrokes; false when no terminal is open to receive them. */
  input(data: string): boolean {
    if (!this.terminalOpen || !this.socket) return false;
    for (let i = 0; i < data.length; i += MAX_INPUT_CHARS) {
      this.socket.emit(EVENTS.terminalInput, { terminalId: TERMINAL_ID, data: data.slice(i, i + MAX_INPUT_CHARS) });
    }
    return true;
  }

  /** The screen has processed output up to `end`: lets the service send more (see FLOW). */
  rendered(end: number): void {
    if (end - this.acked < FLOW.ACK_EVERY || !this.terminalOpen) return;
    this.acked = end;
    this.socket?.emit(EVENTS.terminalAck, { terminalId: TERMINAL_ID, offset: end });
  }

  resize(size: TerminalSize): void {
    this.size = size;
    if (this.terminalOpen) this.socket?.emit(EVENTS.terminalResize, { terminalId: TERMINAL_ID, size });
  }

  /** A new shell after the last one exited. */
  restartShell(): void {
    this.openTerminal();
  }

  /** A new sandbox after the last one ended (idle, lifetime). */
  reopen(): void {
    this.openSandbox();
  }

  /** A one-minute, one-use address that opens `port` of the sandbox in the browser, on an origin of its own (see sandbox-service/src/ports). */
  async portUrl(port: number): Promise<string> {
    const value = await this.request<{ url: string }>(() => this.socket!.timeout(REQUEST_TIMEOUT_MS).emitWithAck(EVENTS.sandboxPortLink, { port }));
    return value.url;
  }

  /** Runs a lesson step's check in the sandbox. */
  async check(step: string): Promise<CheckResult> {
    return this.request<CheckResult>(() => this.socket!.timeout(REQUEST_TIMEOUT_MS).emitWithAck(EVENTS.checkRun, { step }));
  }

  /** A text file of the sandbox (for the lesson's editor); empty with `exists: false` if there is none yet. */
  async readFile(path: string): Promise<FileContent> {
    const answer = await this.request<FileContent>(() => this.socket!.timeout(REQUEST_TIMEOUT_MS).emitWithAck(EVENTS.fileRead, { path }));
    return { ...answer, content: bytes(answer.content) };
  }

  /**
   * Saves a file in the sandbox. With `baseVersion` (from the last read or save), the
   * service refuses with code "conflict" if the file changed since.
   */
  async writeFile(path: string, content: Uint8Array, baseVersion?: string): Promise<FileWritten> {
    return this.request<FileWritten>(() =>
      this.socket!.timeout(REQUEST_TIMEOUT_MS).emitWithAck(EVENTS.fileWrite, { path, content, ...(baseVersion ? { baseVersion } : {}) }),
    );
  }

  /**
   * A request about the open sandbox: its value, or a SandboxRequestError with a sentence.
   * A request cut off by a lost connection says so, and that it can simply be sent again.
   */
  private async request<T>(send: () => Promise<Ack<T>>): Promise<T> {
    if (!this.socket?.connected || !this.sandboxReady) throw new SandboxRequestError("not_connected", NOT_CONNECTED);
    let answer: Ack<T>;
    try {
      answer = await send();
    } catch {
      // socket.io fails a pending request when its connection closes ("socket has been disconnected").
      if (!this.socket?.connected) throw new SandboxRequestError("not_connected", LOST);
      throw new SandboxRequestError("timeout", "Your sandbox took too long to answer. Try again in a moment.");
    }
    if (!answer.ok) throw new SandboxRequestError(answer.error.code, answer.error.message);
    return answer.value;
  }

  /** Adds time before the maximum lifetime removes the sandbox. */
  extend(): void {
    const socket = this.socket;
    socket?.timeout(REQUEST_TIMEOUT_MS).emit(EVENTS.sandboxExtend, {}, (timeout, answer) => {
      if (timeout && !socket.connected) return this.on.notice(LOST);
      if (timeout) return this.on.notice("Extending your sandbox took too long. Try again.");
      if (!answer.ok) return this.on.notice(answer.error.message);
      this.on.expiring(null);
      this.on.notice(`Extended: your sandbox now stays until ${new Date(answer.value.expiresAt).toLocaleTimeString()}.`);
    });
  }

  /** Throws the sandbox away and starts a fresh one. */
  reset(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    this.resetting = true;
    this.terminalOpen = false;
    this.sandboxReady = false;
    this.on.status("starting", "Resetting your sandbox…");
    socket.timeout(REQUEST_TIMEOUT_MS).emit(EVENTS.sandboxReset, {}, (timeout, answer) => {
      this.resetting = false;
      // Cut off by a lost connection: the reconnect opens whichever sandbox the learner has now.
      if (timeout && !socket.connected) return;
      if (!timeout && !answer.ok && answer.error.code === "too_many") {
        // Refused before anything changed: the same sandbox and shell, screen kept.
        this.on.notice(answer.error.message);
        this.sandboxReady = true;
        return this.openTerminal();
      }
      this.stream.clear();
      this.afterSandboxAnswer(timeout, answer);
    });
  }

  private openSandbox(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    clearTimeout(this.retryTimer);
    this.on.status("starting", "Starting your sandbox…");
    socket.timeout(REQUEST_TIMEOUT_MS).emit(EVENTS.sandboxOpen, this.sandboxId ? { sandboxId: this.sandboxId } : {}, (timeout, answer) => {
      // Cut off by a lost connection: the reconnect asks again.
      if (timeout && !socket.connected) return;
      this.afterSandboxAnswer(timeout, answer);
    });
  }

  private afterSandboxAnswer(timeout: Error | null, answer: Ack<SandboxInfo>): void {
    if (timeout) return this.failed("Your sandbox took too long to start. Trying again…");
    if (!answer.ok) {
      if (answer.error.code === "forbidden") this.sandboxId = undefined;
      return this.failed(answer.error.message);
    }
    if (answer.value.id !== this.sandboxId) this.stream.clear();
    this.sandboxId = answer.value.id;
    this.sandboxReady = true;
    this.on.sandbox(answer.value);
    if (answer.value.notice) this.on.notice(answer.value.notice);
    this.openTerminal();
  }

  private openTerminal(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    this.stream.opening();
    const request = { terminalId: TERMINAL_ID, size: this.size, since: this.stream.position() };
    socket.timeout(REQUEST_TIMEOUT_MS).emit(EVENTS.terminalOpen, request, (timeout, answer: Ack<TerminalOpened>) => {
      if (timeout || !answer.ok) this.stream.cancelOpening();
      // Cut off by a lost connection: the reconnect opens it again.
      if (timeout && !socket.connected) return;
      if (timeout) return this.failed("The shell took too long to start. Trying again…");
      if (!answer.ok) return this.failed(answer.error.message);
      // Acks count from where this attachment starts: the service counts the replay as unacknowledged.
      this.acked = answer.value.offset;
      this.terminalOpen = true;
      for (const write of this.stream.opened({ ...answer.value, data: bytes(answer.value.data) })) this.on.write(write);
      this.on.status("connected", "");
      // The window may have changed size while the shell was starting.
      if (this.size !== request.size) socket.emit(EVENTS.terminalResize, { terminalId: TERMINAL_ID, size: this.size });
    });
  }

  /** Shows why, and starts over from opening the sandbox a little later. */
  private failed(message: string): void {
    this.sandboxReady = false;
    this.on.status("error", message);
    this.retry(() => this.openSandbox());
  }

  private retry(action: () => void): void {
    clearTimeout(this.retryTimer);
    if (!this.stopped) this.retryTimer = setTimeout(action, RETRY_MS);
  }

  /** A token from the web app, asking again until it answers (it may be restarting). */
  private async tokenUntilAnswered(): Promise<TokenAnswer> {
    for (;;) {
      try {
        const response = await fetch("/api/sandbox-token", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ lesson: this.lesson }),
        });
        const body = (await response.json()) as Partial<TokenAnswer> & { error?: string };
        if (response.ok && body.token && body.sandboxUrl) return { token: body.token, sandboxUrl: body.sandboxUrl };
        this.on.status("error", body.error ?? "The platform could not issue a sandbox token.");
      } catch {
        this.on.status("reconnecting", "Cannot reach the platform. Retrying…");
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      if (this.stopped) throw new Error("stopped");
    }
  }
}
