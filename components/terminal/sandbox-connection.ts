/**
 * The browser's connection to its sandbox: fetches a token from the web app, connects to
 * the sandbox service, opens (or re-attaches to) the learner's sandbox and its terminal,
 * and keeps doing so across disconnects. One per lesson page, owned by the page's
 * SandboxConnectionProvider; the terminal, the editor, checks, Run buttons and port links
 * use it through `useSandboxConnection()` and hear what happens by subscribing.
 * UI-agnostic: no DOM here.
 */
import type { InviteAccess } from "../../shared/invites";
import { io } from "socket.io-client";
import {
  EVENTS,
  FLOW,
  MAX_INPUT_CHARS,
  type CheckResult,
  type ConnectErrorData,
  type FileContent,
  type FileWritten,
  type PlaygroundMachines,
  type Reply,
  type RequestName,
  type RequestPayload,
  type SandboxEnded,
  type SandboxInfo,
  type TerminalSize,
  type WorkshopEndedEvent,
  type WorkshopMessageEvent,
} from "../../shared/protocol";
import { bytes, fetchSocketToken, PLACEMENT_RECHECK_MS, request, RequestError, type ClientSocket, type SocketToken } from "../connection/request";
import { TerminalStream, type Write } from "./terminal-stream";

/** Exposed as `data-status` on the terminal for tests and styling. */
export type ConnectionStatus = "connecting" | "starting" | "connected" | "reconnecting" | "error" | "ended";

/** What a subscriber may hear; each subscribes to the events it cares about. */
export interface ConnectionEvents {
  status(status: ConnectionStatus, message: string): void;
  /** Apply to the screen, then call `rendered(write.end)` once the terminal has processed it. */
  write(write: Write): void;
  /** The sandbox this page is connected to (null while there is none: starting, ended). A reset changes it. */
  sandbox(info: SandboxInfo | null): void;
  exited(message: string): void;
  ended(ended: SandboxEnded): void;
  notice(message: string): void;
  /** The maximum lifetime is near (or was just moved by an extension). */
  expiring(expiry: { expiresAt: string; canExtend: boolean } | null): void;
  /** A step passed, in this tab or another one of this sandbox. */
  checkPassed(step: string): void;
  /** An announcement or hint from the workshop's instructor. */
  workshopMessage(message: WorkshopMessageEvent): void;
  workshopEnded(ended: WorkshopEndedEvent): void;
  /** Something on the page typed into the terminal (a Run button): the screen should have the focus. */
  typedByPage(): void;
  /** On the playground: the session's machines, when this connection learns them (its own open, another tab's change). */
  machines(machines: PlaygroundMachines): void;
}

/** Steps of the first connection, in order, marked on the page's timeline (see SandboxConnection.mark). */
export const CONNECTION_MARKS = ["created", "asked", "start", "token", "connected", "sandbox", "terminal"] as const;
export type ConnectionMark = (typeof CONNECTION_MARKS)[number];

/** Retry delay after a failure the learner cannot fix (engine down, service busy). */
const RETRY_MS = 3000;
const TERMINAL_ID = "main";
const CONNECTION_LOST = "Connection lost. Reconnecting…";
const NOT_CONNECTED = "Your sandbox is not connected right now; try again in a moment.";
const MOVED =
  "The machine that held your sandbox stopped answering, so this is a new sandbox on another machine. Your progress is kept; files in the old sandbox are not.";

/** Where socket tokens come from: the web app's /api/sandbox-token, asked with this body. */
export type TokenSource = (body: { lesson: string; invite?: string }) => Promise<SocketToken>;
const fromWebApp: TokenSource = (body) => fetchSocketToken("/api/sandbox-token", body);

export class SandboxConnection {
  private socket: ClientSocket<"learner"> | undefined;
  private readonly listeners = new Set<Partial<ConnectionEvents>>();
  private size: TerminalSize = { cols: 80, rows: 24 };
  private started = false;
  private readonly stream = new TerminalStream();
  private sandboxId: string | undefined;
  private terminalOpen = false;
  /** The service has bound this socket to the sandbox (sandbox:open answered), so requests about it work. */
  private sandboxReady = false;
  private resetting = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private current: SandboxInfo | null = null;
  /** Output offset last acknowledged to the service (flow control). */
  private acked = 0;
  /** The service said it is restarting: what to show until it answers again. */
  private restarting: string | undefined;
  private readonly marked = new Set<ConnectionMark>();
  private prepared = false;
  /**
   * Until the screen is ready (start): what the page would be told, in order. The socket,
   * the token and the sandbox do not wait for the terminal's code to load; what is shown,
   * and the shell, do. Null once started.
   */
  private untilScreen: (() => void)[] | null = [];

  constructor(
    private readonly lesson: string,
    /** On the playground: the machine this connection shows (node1, node2…). */
    private readonly machine?: string,
    /** A guest of someone's playground: the invite link's id and what it allows (the service enforces it). */
    private readonly invite?: { linkId: string; access: InviteAccess },
    /** The web app, in a browser; a test outside one passes what that route runs. */
    private readonly tokens: TokenSource = fromWebApp,
  ) {
    // Made by the provider's effect: the page has hydrated.
    this.mark("created");
  }

  /**
   * The first time each step is reached, a `performance.mark` named `dojo:<machine or
   * "lesson">:<step>`: bench/browser.ts reads them to split the time to a prompt. Once per
   * step so reconnects never grow the browser's list of marks; each costs microseconds.
   */
  private mark(step: ConnectionMark): void {
    if (this.marked.has(step)) return;
    this.marked.add(step);
    globalThis.performance?.mark?.(`dojo:${this.machine ?? "lesson"}:${step}`);
  }

  /** A guest of someone's playground (an invite link): its sandbox is not its to start again. */
  get isGuest(): boolean {
    return this.invite !== undefined;
  }

  /** A read-only guest's connection: nothing typed is sent (the service would refuse it anyway). */
  get readOnly(): boolean {
    return this.invite?.access === "read";
  }

  /** Hears the events named in `listener` until the returned function is called. */
  subscribe(listener: Partial<ConnectionEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The sandbox last announced (`sandbox` event): a part that subscribes late starts from it. */
  get sandbox(): SandboxInfo | null {
    return this.current;
  }

  private emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    if (this.untilScreen) return void this.untilScreen.push(() => this.emit(event, ...args));
    if (event === "sandbox") this.current = (args[0] as SandboxInfo | null) ?? null;
    for (const listener of this.listeners) (listener[event] as ((...a: Parameters<ConnectionEvents[K]>) => void) | undefined)?.(...args);
  }

  /**
   * Shows the connection on a screen that is now ready, at that screen's size: what
   * happened since `prepare` is told in order, then the shell is opened (its first output
   * must not arrive before someone is there to write it). Later calls do nothing.
   */
  start(size: TerminalSize): void {
    if (this.started) return;
    this.started = true;
    this.size = size;
    this.mark("start");
    this.prepare();
    const told = this.untilScreen ?? [];
    this.untilScreen = null;
    for (const tell of told) tell();
    if (this.sandboxReady && !this.terminalOpen) this.openTerminal();
  }

  /**
   * Asks the web app for a token, connects and opens the learner's sandbox as soon as the
   * page has hydrated, so those round trips overlap the loading of the terminal's code
   * instead of following it (bench/browser.ts measured them in series). What the learner
   * would read meanwhile (a refusal, a retry, the sandbox's progress) waits for `start`.
   * Later calls do nothing.
   */
  prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    this.mark("asked");
    this.emit("status", "connecting", "Connecting to your sandbox…");
    this.tokenUntilAnswered().then(
      (first) => {
        this.mark("token");
        if (!this.stopped) this.connect(first);
      },
      () => undefined, // stopped while waiting
    );
  }

  /** The web app's token for this page: a guest's names the invite link, the web app reads the rest from the database. */
  private askToken(): Promise<SocketToken> {
    return this.tokens({ lesson: this.lesson, ...(this.invite ? { invite: this.invite.linkId } : {}) });
  }

  /**
   * A socket to the agent the token names (the sandbox service of one machine). Every
   * reconnect asks the web app for a fresh token first, so expiry never strands a tab; when
   * that token names another agent (this one died or was replaced), the page moves there.
   */
  private connect(first: SocketToken): void {
    let pending: SocketToken | undefined = first;
    const socket: ClientSocket<"learner"> = io(first.sandboxUrl, {
      transports: ["websocket"],
      reconnectionDelayMax: 5000,
      auth: (done) => {
        const use = pending;
        pending = undefined;
        if (use) return done({ token: use.token });
        this.tokenUntilAnswered().then(
          (answer) => (answer.sandboxUrl === first.sandboxUrl ? done({ token: answer.token }) : moveTo(answer)),
          () => undefined, // stopped while waiting
        );
      },
    });
    this.socket = socket;

    /** Placed elsewhere: this socket is left behind, a new one goes to the new agent. */
    const moveTo = (answer: SocketToken) => {
      socket.removeAllListeners();
      socket.disconnect();
      if (this.stopped) return;
      if (this.sandboxId) this.emit("notice", MOVED);
      this.sandboxId = undefined;
      this.connect(answer);
    };
    // socket.io runs `auth` only once a connection to this agent has opened, so an agent
    // that cannot be reached at all (its process died) would be retried for ever: while it
    // is unreachable, ask the web app where the learner belongs now. An agent that stops
    // heartbeating leaves placement within seconds, and the next answer names another.
    let asking = false;
    let askedAt = -Infinity;
    const followPlacement = () => {
      if (asking || Date.now() - askedAt < PLACEMENT_RECHECK_MS) return;
      asking = true;
      askedAt = Date.now();
      this.askToken().then(
        (answer) => {
          asking = false;
          if (this.stopped || this.socket !== socket) return;
          if (answer.sandboxUrl === first.sandboxUrl) pending = answer; // still here: the next attempt uses it
          else moveTo(answer);
        },
        () => (asking = false), // the web app is away too: keep trying this agent
      );
    };

    socket.on("connect", () => {
      this.mark("connected");
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
      this.emit("status", "reconnecting", this.restarting ?? CONNECTION_LOST);
      // A server-side disconnect is not retried by socket.io on its own.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on(EVENTS.serviceRestarting, ({ message }) => {
      this.restarting = message;
      this.emit("status", "reconnecting", message);
    });
    socket.on("connect_error", (error) => {
      if (socket.active) {
        this.emit("status", "reconnecting", this.restarting ?? "Cannot reach the sandbox service. Retrying…");
        followPlacement();
        return;
      }
      // Refused by the service (token problem): socket.io gives up; we retry with a new token.
      const data = (error as Error & { data?: ConnectErrorData }).data;
      this.emit("status", "error", data?.code === "unauthorized" ? error.message : "The sandbox service refused the connection.");
      this.retry(() => socket.connect());
    });
    socket.on(EVENTS.sandboxStatus, (status) => {
      if (!this.terminalOpen) this.emit("status", "starting", status.message);
    });
    socket.on(EVENTS.terminalOutput, (output) => {
      const write = this.stream.output({ ...output, data: bytes(output.data) });
      if (write) this.emit("write", write);
    });
    socket.on(EVENTS.terminalExit, (exit) => {
      if (exit.terminalId !== TERMINAL_ID || exit.instance !== this.stream.position()?.instance) return;
      this.terminalOpen = false;
      this.emit("exited", exit.message);
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
      this.emit("status", "ended", ended.message);
      this.emit("ended", ended);
      this.emit("sandbox", null);
    });
    socket.on(EVENTS.sandboxExpiring, (expiring) => {
      if (expiring.sandboxId === this.sandboxId) this.emit("expiring", expiring);
    });
    socket.on(EVENTS.checkPassed, ({ step }) => this.emit("checkPassed", step));
    socket.on(EVENTS.sandboxNotice, (notice) => {
      if (notice.sandboxId === this.sandboxId) this.emit("notice", notice.message);
    });
    socket.on(EVENTS.protocolError, (error) => console.warn(`sandbox service: ${error.message}`));
    socket.on(EVENTS.workshopMessage, (message) => this.emit("workshopMessage", message));
    socket.on(EVENTS.workshopEnded, (ended) => this.emit("workshopEnded", ended));
    socket.on(EVENTS.playMachines, (machines) => this.emit("machines", machines));
    // A guest whose invite was revoked or expired: the sentence stays, nothing reconnects.
    socket.on(EVENTS.playInviteEnded, ({ message }) => {
      this.stop();
      this.emit("status", "ended", message);
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
  }

  /** Sends keystrokes; false when no terminal is open to receive them. */
  input(data: string): boolean {
    if (!this.terminalOpen || !this.socket || this.readOnly) return false;
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

  /** Types a command into the shell and runs it (a Run button); false when no terminal is open. */
  run(command: string): boolean {
    const sent = this.input(command + "\r");
    this.emit("typedByPage");
    return sent;
  }

  /** A one-minute, one-use address that opens `port` of the sandbox in the browser, on an origin of its own (see sandbox-service/src/ports). */
  async portUrl(port: number): Promise<string> {
    return (await this.aboutSandbox(EVENTS.sandboxPortLink, { port })).url;
  }

  /** Runs a lesson step's check in the sandbox; a pass is also heard by checkPassed subscribers. */
  async check(step: string): Promise<CheckResult> {
    const result = await this.aboutSandbox(EVENTS.checkRun, { step });
    if (result.passed) this.emit("checkPassed", step);
    return result;
  }

  /** A text file of the sandbox (for the lesson's editor); empty with `exists: false` if there is none yet. */
  async readFile(path: string): Promise<FileContent> {
    const answer = await this.aboutSandbox(EVENTS.fileRead, { path });
    return { ...answer, content: bytes(answer.content) };
  }

  /**
   * Saves a file in the sandbox. With `baseVersion` (from the last read or save), the
   * service refuses with code "conflict" if the file changed since.
   */
  async writeFile(path: string, content: Uint8Array, baseVersion?: string): Promise<FileWritten> {
    return this.aboutSandbox(EVENTS.fileWrite, { path, content, ...(baseVersion ? { baseVersion } : {}) });
  }

  /** Removes a machine of this playground (this one or another); answers with the machines left. */
  async removeMachine(machine: string): Promise<PlaygroundMachines> {
    if (!this.socket?.connected) throw new RequestError("not_connected", NOT_CONNECTED);
    const left = await request(this.socket, EVENTS.playRemove, { machine });
    this.emit("machines", left);
    return left;
  }

  /** A request about the open sandbox: refused in a sentence while the page has none (starting, reconnecting). */
  private aboutSandbox<E extends RequestName<"learner">>(event: E, payload: RequestPayload<E>): Promise<Reply<E>> {
    if (!this.socket?.connected || !this.sandboxReady) return Promise.reject(new RequestError("not_connected", NOT_CONNECTED));
    return request(this.socket, event, payload);
  }

  /** Adds time before the maximum lifetime removes the sandbox. */
  extend(): void {
    request(this.socket, EVENTS.sandboxExtend, {}).then(
      (extended) => {
        this.emit("expiring", null);
        this.emit("notice", `Extended: your sandbox now stays until ${new Date(extended.expiresAt).toLocaleTimeString()}.`);
      },
      (error: RequestError) => this.emit("notice", error.message),
    );
  }

  /** Throws the sandbox away and starts a fresh one. */
  reset(): void {
    if (!this.socket?.connected) return;
    this.resetting = true;
    this.terminalOpen = false;
    this.sandboxReady = false;
    this.emit("status", "starting", "Resetting your sandbox…");
    request(this.socket, EVENTS.sandboxReset, {}).then(
      (info) => {
        this.resetting = false;
        this.stream.clear();
        this.sandboxOpened(info);
      },
      (error: RequestError) => {
        this.resetting = false;
        if (error.code === "too_many") {
          // Refused before anything changed: the same sandbox and shell, screen kept.
          this.emit("notice", error.message);
          this.sandboxReady = true;
          return this.openTerminal();
        }
        this.stream.clear();
        this.sandboxFailed(error);
      },
    );
  }

  private openSandbox(): void {
    if (!this.socket?.connected) return;
    clearTimeout(this.retryTimer);
    this.emit("status", "starting", "Starting your sandbox…");
    const which = { ...(this.sandboxId ? { sandboxId: this.sandboxId } : {}), ...(this.machine ? { machine: this.machine } : {}) };
    request(this.socket, EVENTS.sandboxOpen, which).then(
      (info) => this.sandboxOpened(info),
      (error: RequestError) => this.sandboxFailed(error),
    );
  }

  private sandboxOpened(info: SandboxInfo): void {
    this.mark("sandbox");
    if (info.id !== this.sandboxId) this.stream.clear();
    this.sandboxId = info.id;
    this.sandboxReady = true;
    this.emit("sandbox", info);
    if (info.playground) this.emit("machines", info.playground);
    if (info.notice) this.emit("notice", info.notice);
    // Before the screen is ready, start opens the shell.
    if (this.started) this.openTerminal();
  }

  private sandboxFailed(error: RequestError): void {
    // Cut off by a lost connection: the reconnect opens whichever sandbox the learner has now.
    if (error.code === "not_connected") return;
    if (error.code === "forbidden") this.sandboxId = undefined;
    this.failed(error.code === "timeout" ? "Your sandbox took too long to start. Trying again…" : error.message);
  }

  private openTerminal(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    this.stream.opening();
    const size = this.size;
    request(socket, EVENTS.terminalOpen, { terminalId: TERMINAL_ID, size, since: this.stream.position() }).then(
      (opened) => {
        // Acks count from where this attachment starts: the service counts the replay as unacknowledged.
        this.mark("terminal");
        this.acked = opened.offset;
        this.terminalOpen = true;
        for (const write of this.stream.opened({ ...opened, data: bytes(opened.data) })) this.emit("write", write);
        this.emit("status", "connected", "");
        // The window may have changed size while the shell was starting.
        if (this.size !== size) socket.emit(EVENTS.terminalResize, { terminalId: TERMINAL_ID, size: this.size });
      },
      (error: RequestError) => {
        this.stream.cancelOpening();
        // Cut off by a lost connection: the reconnect opens it again.
        if (error.code === "not_connected") return;
        this.failed(error.code === "timeout" ? "The shell took too long to start. Trying again…" : error.message);
      },
    );
  }

  /** Shows why, and starts over from opening the sandbox a little later. */
  private failed(message: string): void {
    this.sandboxReady = false;
    this.emit("status", "error", message);
    this.retry(() => this.openSandbox());
  }

  private retry(action: () => void): void {
    clearTimeout(this.retryTimer);
    if (!this.stopped) this.retryTimer = setTimeout(action, RETRY_MS);
  }

  /** A token from the web app, asking again until it answers (it may be restarting). */
  private async tokenUntilAnswered(): Promise<SocketToken> {
    for (;;) {
      try {
        return await this.askToken();
      } catch (error) {
        if (error instanceof RequestError) this.emit("status", "error", error.message);
        else this.emit("status", "reconnecting", "Cannot reach the platform. Retrying…");
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      if (this.stopped) throw new Error("stopped");
    }
  }
}
