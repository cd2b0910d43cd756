/**
 * A simulated learner on the platform: a socket.io client speaking shared/protocol.ts the
 * way the browser does (components/terminal/sandbox-connection.ts): a token of its own,
 * sandbox:open, terminal:open, keystrokes as terminal:input, and flow-control acks.
 *
 * "Rendering" is instantaneous here: output is acknowledged as soon as it arrives, with
 * the browser's rule (an ack once FLOW.ACK_EVERY bytes are unacknowledged, which under a
 * flood of 64 KiB messages is after every terminal:output).
 */
import { io, type Socket } from "socket.io-client";
import { EVENTS, FLOW, type Ack, type CheckResult, type ClientToServerEvents, type SandboxPhase, type ServerToClientEvents, type TerminalOutput, type TerminalSize } from "../../shared/protocol";
import { newLearnerId, signSandboxToken } from "../../shared/token";
import type { TemplateName } from "../../shared/templates";
import { OutputTap, type BenchTerminal } from "../support/output-tap";

/** The shell prompt ends with "# " (root). */
export const PROMPT = "# ";
const TERMINAL_ID = "main";
const LESSON = "bench";

export interface DojoLearner {
  learnerId: string;
  terminal: BenchTerminal;
  sandboxId: string;
  /** Socket creation → first output containing the prompt, in ms. */
  timeToPromptMs: number;
  /** performance.now() when the socket was created: the origin of timeToPromptMs. */
  startedAt: number;
  /** The sandbox:status phases the service reported while opening ("creating": no pooled sandbox was ready). */
  phases: SandboxPhase[];
  /** Where the time to prompt went: socket created → connected, → sandbox:open answered, → terminal:open answered (ms, cumulative). */
  marks: { connectedMs: number; sandboxOpenedMs: number; terminalOpenedMs: number };
  /** check:run: the service runs the lesson step's check in the sandbox; resolves with its answer. */
  checkRun(step: string, timeoutMs: number): Promise<Ack<CheckResult>>;
}

export interface DojoLearnerOptions {
  url: string;
  secret: string;
  /** The sandbox template the token names, as the web app signs it from a lesson's frontmatter; default "shell". */
  template?: TemplateName;
  /** Who the token speaks for; default a new learner id (a sandbox of its own). */
  learnerId?: string;
  /** The lesson the token names; default "bench" (no lesson file: fine for anything but checks). */
  lesson?: string;
  /** The workshop claim, as the web app signs it for a seated learner. */
  workshop?: string;
  /** The agent the web app placed the learner on (several agents); its token is refused by any other. */
  agent?: string;
  size?: TerminalSize;
  /** For sandbox:open and for the prompt. */
  timeoutMs?: number;
}

type DojoSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const utf8 = new TextEncoder();
/** As the browser's `bytes` (components/connection/request.ts): output comes as text when it is valid UTF-8. */
const bytes = (data: Uint8Array | ArrayBuffer | string) => (typeof data === "string" ? utf8.encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data));

/** Connects a new learner (a distinct learner id, so a sandbox of its own) and waits for its prompt. */
export async function connectDojoLearner(options: DojoLearnerOptions): Promise<DojoLearner> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const size = options.size ?? { cols: 80, rows: 24 };
  const learnerId = options.learnerId ?? newLearnerId();
  const token = signSandboxToken(
    {
      sub: learnerId,
      lesson: options.lesson ?? LESSON,
      template: options.template ?? "shell",
      ...(options.workshop ? { workshop: options.workshop } : {}),
      ...(options.agent ? { agent: options.agent } : {}),
      exp: Math.floor(Date.now() / 1000) + 4 * 3600,
    },
    options.secret,
  );
  const tap = new OutputTap("platform");
  const prompt = tap.expect(PROMPT, timeoutMs);
  prompt.catch(() => undefined); // observed below; avoid an unhandled rejection if setup fails first

  const started = performance.now();
  const socket: DojoSocket = io(options.url, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });

  // Byte offsets, as the browser keeps them: where its copy ends and what it acknowledged.
  let instance: string | undefined;
  let end = 0;
  let acked = 0;
  const accept = (offset: number, data: Uint8Array) => {
    // Output overlapping what we already have (a replay racing live output) is written once.
    const stop = offset + data.length;
    if (stop <= end) return;
    tap.push(offset < end ? data.subarray(end - offset) : data);
    end = stop;
    if (end - acked >= FLOW.ACK_EVERY) {
      acked = end;
      socket.emit(EVENTS.terminalAck, { terminalId: TERMINAL_ID, offset: end });
    }
  };
  // Output racing the terminal:open answer waits for it, as in the browser's TerminalStream.
  let queued: TerminalOutput[] | undefined = [];
  const live = (output: TerminalOutput) => {
    if (output.terminalId === TERMINAL_ID && output.instance === instance) accept(output.offset, bytes(output.data));
  };
  socket.on(EVENTS.terminalOutput, (output) => (queued ? queued.push(output) : live(output)));
  const phases: SandboxPhase[] = [];
  socket.on(EVENTS.sandboxStatus, (status) => phases.push(status.phase));
  socket.on(EVENTS.terminalExit, (exit) => tap.end(`terminal exited: ${exit.message}`));
  socket.on(EVENTS.sandboxEnded, (ended) => tap.end(`sandbox ended: ${ended.message}`));
  socket.on("disconnect", (reason) => tap.end(`disconnected (${reason})`));

  const terminal: BenchTerminal = {
    output: tap,
    send: (data) => socket.emit(EVENTS.terminalInput, { terminalId: TERMINAL_ID, data }),
    close: () => socket.disconnect(),
  };

  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (error) => reject(new Error(`platform: connect refused: ${error.message}`)));
    });
    const connectedMs = performance.now() - started;
    const opened = await socket.timeout(timeoutMs).emitWithAck(EVENTS.sandboxOpen, {});
    if (!opened.ok) throw new Error(`platform: sandbox:open refused: ${opened.error.message}`);
    const sandboxOpenedMs = performance.now() - started;
    const answer = await socket.timeout(timeoutMs).emitWithAck(EVENTS.terminalOpen, { terminalId: TERMINAL_ID, size });
    if (!answer.ok) throw new Error(`platform: terminal:open refused: ${answer.error.message}`);
    const terminalOpenedMs = performance.now() - started;
    instance = answer.value.instance;
    end = answer.value.offset;
    // The service counts the replay as unacknowledged: acks start from where it begins.
    acked = answer.value.offset;
    accept(answer.value.offset, bytes(answer.value.data));
    for (const output of queued) live(output);
    queued = undefined;
    const promptAt = await prompt;
    const checkRun = (step: string, checkTimeoutMs: number) => socket.timeout(checkTimeoutMs).emitWithAck(EVENTS.checkRun, { step });
    return { learnerId, terminal, sandboxId: opened.value.id, timeToPromptMs: promptAt - started, startedAt: started, phases, marks: { connectedMs, sandboxOpenedMs, terminalOpenedMs }, checkRun };
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}
