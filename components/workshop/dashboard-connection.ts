/**
 * An instructor's live connection to one workshop: a token from the web app (which checks
 * they own the workshop), then the sandbox service's dashboard events. UI-agnostic.
 * With several machines, a learner's terminal may live on another agent than the
 * dashboard's: watching them opens a second socket to that agent, for the shadow only, so
 * terminal bytes come straight from where the terminal is.
 */
import { io } from "socket.io-client";
import {
  EVENTS,
  type DashboardCounts,
  type DashboardRow,
  type DashboardSnapshot,
  type DashboardWarmup,
  type Reply,
  type RequestName,
  type RequestPayload,
  type ShadowOpened,
} from "../../shared/protocol";
import { bytes, fetchSocketToken, PLACEMENT_RECHECK_MS, request, type ClientSocket, type SocketToken } from "../connection/request";
import { TerminalStream, type Write } from "../terminal/terminal-stream";

export interface DashboardEvents {
  connected(connected: boolean, message: string): void;
  snapshot(snapshot: DashboardSnapshot): void;
  row(row: DashboardRow): void;
  counts(counts: DashboardCounts): void;
  warmup(warmup: DashboardWarmup): void;
  ended(message: string): void;
  shadowWrite(learnerId: string, write: Write): void;
  shadowEnded(learnerId: string, message: string): void;
}


/** How long the agent holding a watched learner's sandbox may take to accept the dashboard's socket. */
const SHADOW_CONNECT_TIMEOUT_MS = 10_000;

function connected(socket: ClientSocket<"instructor">, timeoutMs: number): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The machine that holds this learner's sandbox is not answering; try again in a moment.")), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class DashboardConnection {
  private socket: ClientSocket<"instructor"> | undefined;
  private shadowed: { learnerId: string; stream: TerminalStream } | undefined;
  /** The socket to another agent while watching a learner whose sandbox is there. */
  private shadowSocket: ClientSocket<"instructor"> | undefined;

  private stopped = false;

  constructor(
    private readonly workshopId: string,
    private readonly on: DashboardEvents,
    /** The web app's dashboard-token route, in a browser; a test outside one passes what that route runs. */
    private readonly tokens: () => Promise<SocketToken> = () => fetchSocketToken(`/api/workshops/${workshopId}/dashboard-token`),
  ) {}

  async start(): Promise<void> {
    this.open(await this.token());
  }

  /** The dashboard's socket to the agent `first` names, and what it hears. */
  private open(first: SocketToken): void {
    const socket = this.connect(first.sandboxUrl, first.token);
    this.socket = socket;
    // The service said it is restarting (SIGTERM): shown until it answers again.
    let restarting: string | undefined;
    // socket.io authenticates only once a connection opens: while this agent cannot be
    // reached at all, ask the web app now and then whether the dashboard belongs on another
    // (a dead agent leaves placement within AGENT_LIVE_SECONDS), as learners' pages do.
    let askedAt = -Infinity;
    const followPlacement = () => {
      if (Date.now() - askedAt < PLACEMENT_RECHECK_MS) return;
      askedAt = Date.now();
      this.token().then(
        (answer) => {
          if (this.stopped || this.socket !== socket || answer.sandboxUrl === first.sandboxUrl) return;
          socket.removeAllListeners();
          socket.disconnect();
          this.open(answer);
        },
        () => undefined, // the web app is away too: keep trying this agent
      );
    };
    socket.on("connect", () => {
      restarting = undefined;
      this.on.connected(true, "Live");
      this.request(EVENTS.workshopWatch, {}).then((snapshot) => this.on.snapshot(snapshot), (error: Error) => this.on.connected(false, error.message));
    });
    socket.on("disconnect", (reason) => {
      this.on.connected(false, restarting ?? "Connection lost. Reconnecting…");
      // A server-side disconnect (the service stopping cleanly) is not retried by socket.io on its own.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => {
      this.on.connected(false, restarting ?? "Cannot reach the sandbox service. Retrying…");
      if (socket.active) followPlacement();
    });
    socket.on(EVENTS.serviceRestarting, () => {
      restarting = "The platform is restarting; learners' sandboxes are kept and this dashboard reconnects by itself in a moment.";
      this.on.connected(false, restarting);
    });
    socket.on(EVENTS.workshopRow, (row) => this.on.row(row));
    socket.on(EVENTS.workshopCounts, (counts) => this.on.counts(counts));
    socket.on(EVENTS.workshopWarmup, (warmup) => this.on.warmup(warmup));
    socket.on(EVENTS.workshopEnded, ({ message }) => this.on.ended(message));
    this.hearShadow(socket);
  }

  stop(): void {
    this.stopped = true;
    this.socket?.disconnect();
    this.closeShadowSocket();
  }

  /** A socket to an agent, authenticated with a fresh dashboard token at each (re)connect after the first. */
  private connect(url: string, firstToken: string): ClientSocket<"instructor"> {
    let pending: string | undefined = firstToken;
    return io(url, {
      transports: ["websocket"],
      auth: (done) => {
        const use = pending;
        pending = undefined;
        if (use) return done({ instructorToken: use });
        this.token().then((answer) => done({ instructorToken: answer.token }), () => undefined);
      },
    });
  }

  private hearShadow(socket: ClientSocket<"instructor">): void {
    socket.on(EVENTS.shadowOutput, (output) => {
      if (output.learnerId !== this.shadowed?.learnerId) return;
      const write = this.shadowed.stream.output({ terminalId: "main", instance: output.instance, offset: output.offset, data: bytes(output.data) });
      if (write) this.on.shadowWrite(output.learnerId, write);
    });
    socket.on(EVENTS.shadowEnded, ({ learnerId, message }) => {
      if (learnerId === this.shadowed?.learnerId) this.shadowed = undefined;
      this.on.shadowEnded(learnerId, message);
    });
  }

  private closeShadowSocket(): void {
    this.shadowSocket?.disconnect();
    this.shadowSocket = undefined;
  }

  announce(text: string): Promise<unknown> {
    return this.request(EVENTS.workshopAnnounce, { text });
  }

  hint(learnerId: string, text: string): Promise<unknown> {
    return this.request(EVENTS.workshopHint, { learnerId, text });
  }

  async shadow(learnerId: string): Promise<ShadowOpened> {
    const stream = new TerminalStream();
    this.shadowed = { learnerId, stream };
    stream.opening();
    try {
      let opened = await this.request(EVENTS.workshopShadow, { learnerId });
      this.closeShadowSocket();
      if ("moved" in opened) {
        // The learner's sandbox is on another agent: watch from there (the same kind of token works on every agent).
        const { token } = await this.token();
        const there = this.connect(opened.moved.url, token);
        this.shadowSocket = there;
        this.hearShadow(there);
        await connected(there, SHADOW_CONNECT_TIMEOUT_MS);
        opened = await request(there, EVENTS.workshopShadow, { learnerId });
        if ("moved" in opened) throw new Error("That learner's sandbox moved again; try watching them once more.");
      }
      for (const write of stream.opened({ instance: opened.instance, reset: true, offset: opened.offset, data: bytes(opened.data) })) {
        this.on.shadowWrite(learnerId, write);
      }
      return opened;
    } catch (error) {
      if (this.shadowed?.learnerId === learnerId) {
        this.shadowed = undefined;
        // A socket opened to another agent for this watch goes with it (it did not answer, or refused).
        this.closeShadowSocket();
      }
      throw error;
    }
  }

  async unshadow(): Promise<void> {
    this.shadowed = undefined;
    if (this.shadowSocket) return this.closeShadowSocket();
    await this.request(EVENTS.workshopUnshadow, {});
  }

  end(): Promise<{ removed: number }> {
    return this.request(EVENTS.workshopEnd, {});
  }

  private token(): Promise<SocketToken> {
    return this.tokens();
  }

  private request<E extends RequestName<"instructor">>(event: E, payload: RequestPayload<E>): Promise<Reply<E>> {
    return request(this.socket, event, payload);
  }
}
