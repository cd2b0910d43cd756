/**
 * The socket.io protocol between the browser and sandbox-service: event names, payload
 * schemas (validated by the service on every message) and the types both sides use.
 * Browser-safe: no Node imports here.
 *
 * Flow of one lesson page:
 *   connect (auth: { token })            the token names the learner, lesson and template
 *   → sandbox:open {}            ack      creates or re-attaches the learner's sandbox;
 *     ← sandbox:status ...                progress while it starts
 *   → terminal:open {id,size,since} ack   attaches to a terminal; replays what `since` lacks
 *     ← terminal:output {id,data,offset}  output bytes; `offset` is the byte position of data[0]
 *   → terminal:input / terminal:resize    keystrokes and viewport size
 *   → terminal:ack {id, offset}           "I have rendered everything before offset" (flow control)
 *     ← terminal:exit                     the shell ended (`exit`); terminal:open starts a new one
 *     ← sandbox:ended                     the sandbox was removed (idle, lifetime, reset)
 *     ← sandbox:notice                    something the learner should know (a process was OOM-killed)
 *   (a sandbox frozen while nobody watched is thawed by sandbox:open, whose answer's `notice` says why)
 *     ← sandbox:expiring                  the maximum lifetime is near; → sandbox:extend {} (ack) adds time
 *   → sandbox:port-link {port}    ack      a one-minute, one-use link opening that port in the browser, on an origin of its own
 *   → check:run {step}             ack      runs the lesson step's check in the sandbox: passed, or what is missing
 *     ← check:passed {step}                 to every tab of the sandbox, when a step passes
 *   → file:read {path}             ack      a text file of the sandbox, for the lesson's <Editor> (empty, exists: false, if missing)
 *   → file:write {path, content}   ack      saves it atomically; refused as a conflict if it changed since `baseVersion`
 *   (the playground, /play, and a lesson with `machines: N`: sandbox:open {machine} binds the socket to one machine of the learner's session;
 *    a lesson's check:run runs on the machine its step names, among the learner's own machines of that lesson)
 *   → play:remove {machine}        ack      removes a machine of the learner's own playground
 *     ← play:machines                       the session's machines changed (another tab added or removed one)
 *   (a guest of someone's playground, by an invite link: the token's `guest` claim; sandbox:open
 *    only of the owner's existing machines; "read" guests may only watch — see socket/guest-access.ts)
 *     ← play:invite-ended {message}         the invite was revoked or expired: the socket is closed after it
 *     ← workshop:message                    an announcement or a hint from the workshop's instructor
 *     ← workshop:ended                      the instructor ended the workshop (the sandbox is removed)
 *     ← service:restarting                  the service is stopping (a restart): sandboxes are kept; reconnect
 *
 * Flow of an instructor's workshop dashboard (auth: { instructorToken }):
 *   → workshop:watch {}            ack      the dashboard's snapshot; then live updates:
 *     ← workshop:row / workshop:counts / workshop:warmup
 *   → workshop:announce {text}     ack      to every learner of the workshop
 *   → workshop:hint {learnerId,text} ack    to one learner
 *   → workshop:shadow {learnerId}  ack      a read-only copy of that learner's terminal (replay, then live):
 *     ← shadow:output / shadow:ended
 *   → workshop:unshadow {}         ack
 *   → workshop:end {}              ack      removes every learner's sandbox and closes the workshop
 */
import { z } from "zod";
import { learnerIdSchema, stepIdSchema } from "./ids";
import { machineNameSchema } from "./playground";

export const EVENTS = {
  sandboxOpen: "sandbox:open",
  sandboxReset: "sandbox:reset",
  sandboxExtend: "sandbox:extend",
  sandboxExpiring: "sandbox:expiring",
  sandboxPortLink: "sandbox:port-link",
  sandboxStatus: "sandbox:status",
  sandboxEnded: "sandbox:ended",
  sandboxNotice: "sandbox:notice",
  terminalOpen: "terminal:open",
  terminalInput: "terminal:input",
  terminalResize: "terminal:resize",
  terminalAck: "terminal:ack",
  terminalOutput: "terminal:output",
  terminalExit: "terminal:exit",
  checkRun: "check:run",
  checkPassed: "check:passed",
  fileRead: "file:read",
  fileWrite: "file:write",
  protocolError: "protocol:error",
  workshopMessage: "workshop:message",
  workshopEnded: "workshop:ended",
  workshopWatch: "workshop:watch",
  workshopRow: "workshop:row",
  workshopCounts: "workshop:counts",
  workshopWarmup: "workshop:warmup",
  workshopAnnounce: "workshop:announce",
  workshopHint: "workshop:hint",
  workshopShadow: "workshop:shadow",
  workshopUnshadow: "workshop:unshadow",
  workshopEnd: "workshop:end",
  shadowOutput: "shadow:output",
  shadowEnded: "shadow:ended",
  serviceRestarting: "service:restarting",
  playRemove: "play:remove",
  playMachines: "play:machines",
  playInviteEnded: "play:invite-ended",
} as const;


/** Largest keystroke/paste chunk; the browser splits longer pastes into pieces of this size. */
export const MAX_INPUT_CHARS = 8 * 1024;

/**
 * Flow control: output is paced by what the browser has rendered, so `yes` or
 * `cat /dev/urandom` cannot grow the service's memory or freeze the tab, and Ctrl-C takes
 * effect within about HIGH_WATERMARK bytes of output.
 *
 * The browser acknowledges (terminal:ack) after xterm.js has processed each ACK_EVERY
 * bytes. The service stops reading the shell's output once a viewer has more than
 * HIGH_WATERMARK unacknowledged bytes and resumes below LOW_WATERMARK. ACK_EVERY must stay
 * well below HIGH_WATERMARK: if a viewer could sit above the high mark without having
 * crossed an ack point, the shell would stay paused forever.
 */
export const FLOW = {
  ACK_EVERY: 32 * 1024,
  HIGH_WATERMARK: 512 * 1024,
  LOW_WATERMARK: 128 * 1024,
} as const;

const terminalId = z.string().regex(/^[a-z0-9-]{1,32}$/, "a terminal id is 1-32 lowercase letters, digits or '-'");
export const terminalSizeSchema = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof terminalSizeSchema>;

/** Where a browser's copy of a terminal ends: which shell (`instance`) and how many bytes in. */
export const terminalPositionSchema = z.object({
  instance: z.string().min(1).max(64),
  offset: z.number().int().min(0),
});
export type TerminalPosition = z.infer<typeof terminalPositionSchema>;

export const sandboxOpenSchema = z.object({
  /** The sandbox this page was showing, if any: refused if it is not the learner's. */
  sandboxId: z.string().regex(/^[a-f0-9]{12,64}$/).optional(),
  /**
   * On the playground (a token for "play") or a lesson with several machines (the token's
   * `machines`): which machine this page shows; node1 when omitted. Refused on a lesson
   * with one sandbox, and past the lesson's machines.
   */
  machine: machineNameSchema.optional(),
}).strict();

/** Removes a machine of the socket's own playground (its learner's, by name: no id to forge). */
export const playRemoveSchema = z.object({ machine: machineNameSchema }).strict();

/** The machines of a learner's playground, node1 first, and how many it may have. */
export interface PlaygroundMachines {
  machines: string[];
  maxMachines: number;
}

export const sandboxResetSchema = z.object({}).strict();
export const sandboxExtendSchema = z.object({}).strict();
export const checkRunSchema = z.object({ step: stepIdSchema }).strict();
export type CheckRunRequest = z.infer<typeof checkRunSchema>;

export interface CheckResult {
  step: string;
  passed: boolean;
  /** On failure, what the check printed: what is still missing, in a sentence. */
  message: string;
}

/**
 * Files of the sandbox, for the lesson's <Editor>. The path is what the lesson names
 * (`~/app.py` or `/root/app.py`); the service decides what it may reach
 * (sandbox-service/src/files/sandbox-path.ts): only regular files under the learner's home
 * (/root) and /tmp. The schema only bounds the message; those rules answer in sentences.
 * Content travels as bytes (UTF-8 text), so a file of SANDBOX_FILE_MAX_BYTES is a message
 * of about that size whatever characters it holds.
 */
export const FILE_PATH_MAX_CHARS = 4096;
const filePath = z.string().min(1, "a file path cannot be empty").max(FILE_PATH_MAX_CHARS);
/** What a file's content was when the browser loaded it: "none" (no file), or a hash of its bytes. */
const fileVersion = z.string().regex(/^(none|sha256:[a-f0-9]{64})$/, "a version is \"none\" or \"sha256:<64 hex digits>\"");
export const FILE_VERSION_NONE = "none";

export const fileReadSchema = z.object({ path: filePath }).strict();
export const fileWriteSchema = z.object({
  path: filePath,
  content: z.custom<Uint8Array>((value) => value instanceof Uint8Array, "content must be bytes (UTF-8 text as a Uint8Array)"),
  /**
   * The version this content was based on (from the last read or write). When the file in
   * the sandbox is no longer that version (edited in the terminal or another tab), the
   * write is refused with code "conflict" and nothing changes. Omitted: overwrite anyway.
   */
  baseVersion: fileVersion.optional(),
}).strict();
export type FileReadRequest = z.infer<typeof fileReadSchema>;
export type FileWriteRequest = z.infer<typeof fileWriteSchema>;

export interface FileContent {
  /** The absolute path in the sandbox the request resolved to (`~/app.py` → `/root/app.py`). */
  path: string;
  /** False when there is no file there yet: `content` is empty and a write will create it. */
  exists: boolean;
  /** The file's bytes: UTF-8 text. */
  content: Uint8Array;
  /** Pass back as `baseVersion` when saving. */
  version: string;
  /** The largest file the service reads or writes (SANDBOX_FILE_MAX_BYTES). */
  maxBytes: number;
}

export interface FileWritten {
  path: string;
  /** The version now in the sandbox: the base of the next save. */
  version: string;
  size: number;
}

export const sandboxPortLinkSchema = z.object({ port: z.number().int().min(1).max(65535) }).strict();

export const terminalOpenSchema = z.object({
  terminalId,
  size: terminalSizeSchema,
  /** What the browser already shows; omitted after a page load (everything is replayed). */
  since: terminalPositionSchema.optional(),
}).strict();

export const terminalInputSchema = z.object({
  terminalId,
  data: z.string().min(1).max(MAX_INPUT_CHARS),
}).strict();

export const terminalResizeSchema = z.object({ terminalId, size: terminalSizeSchema }).strict();

export const terminalAckSchema = z.object({ terminalId, offset: z.number().int().min(0) }).strict();

export type SandboxOpenRequest = z.infer<typeof sandboxOpenSchema>;
export type SandboxResetRequest = z.infer<typeof sandboxResetSchema>;
export type SandboxExtendRequest = z.infer<typeof sandboxExtendSchema>;
export type SandboxPortLinkRequest = z.infer<typeof sandboxPortLinkSchema>;
export type TerminalOpenRequest = z.infer<typeof terminalOpenSchema>;
export type TerminalInput = z.infer<typeof terminalInputSchema>;
export type TerminalResize = z.infer<typeof terminalResizeSchema>;
export type TerminalAck = z.infer<typeof terminalAckSchema>;

export type ErrorCode =
  | "bad_request"
  | "forbidden"
  | "not_found"
  | "engine_unavailable"
  | "capacity"
  | "sandbox_failed"
  /** A file over SANDBOX_FILE_MAX_BYTES. */
  | "too_large"
  /** A file changed in the sandbox since the version a save was based on. */
  | "conflict"
  /** More than one client may ask for: terminals or checks at once, resets per minute. Nothing was changed. */
  | "too_many"
  /** The service is stopping (a restart): try again once reconnected. */
  | "unavailable"
  | "internal";

export interface ProtocolErrorBody {
  code: ErrorCode;
  /** A sentence for the learner. */
  message: string;
}

export type Ack<T> = { ok: true; value: T } | { ok: false; error: ProtocolErrorBody };

export interface SandboxInfo {
  id: string;
  name: string;
  hostname: string;
  template: string;
  createdAt: string;
  /** When the maximum lifetime removes it. */
  expiresAt: string;
  /** Whether sandbox:extend would add time. */
  canExtend: boolean;
  /**
   * Something the learner should read on arrival: why their sandbox had been frozen
   * (paused while nobody watched it, for keeping the machine busy) and that it runs again.
   */
  notice?: string;
  /** On the playground or a lesson with several machines: which machine this is (node2) and the session's machines. */
  playground?: PlaygroundMachines & { machine: string };
}

export type SandboxPhase = "queued" | "creating" | "starting" | "ready";
export interface SandboxStatus {
  phase: SandboxPhase;
  message: string;
}

/** "removed": a playground machine its learner removed; "replaced": an unused sandbox that gave way when its learner, at their limit, opened another. */
export type SandboxEndReason = "idle" | "lifetime" | "reset" | "gone" | "workshop-ended" | "removed" | "replaced";
export interface SandboxEnded {
  sandboxId: string;
  reason: SandboxEndReason;
  message: string;
}

export interface SandboxExpiring {
  sandboxId: string;
  expiresAt: string;
  canExtend: boolean;
}

export interface SandboxExtended {
  expiresAt: string;
  canExtend: boolean;
}

export interface SandboxNotice {
  sandboxId: string;
  message: string;
}

export interface TerminalOpened {
  /** Identifies the shell process; a new one after `exit` or a service restart. */
  instance: string;
  /** True when the browser must clear its screen before writing the replay. */
  reset: boolean;
  /** The replay: output the browser is missing, starting at byte `offset`. */
  offset: number;
  data: Uint8Array;
}

export interface TerminalOutput {
  terminalId: string;
  instance: string;
  /** Byte position of data[0] in this shell's output since it started. */
  offset: number;
  /**
   * The bytes, or their text when they are valid UTF-8 (one WebSocket frame instead of
   * two; sandbox-service/src/terminal/socket-viewer.ts). Offsets count the bytes: a client
   * encodes text back to UTF-8 (`bytes()` in components/connection/request.ts) first.
   */
  data: Uint8Array | string;
}

/**
 * Sent to every page before the service stops on SIGTERM (a restart or a deploy): its
 * sandboxes keep running, requests in flight are answered, then the socket closes and the
 * page reconnects once the service is back.
 */
export interface ServiceRestarting {
  message: string;
}

export interface TerminalExit {
  terminalId: string;
  instance: string;
  message: string;
}

/** The `data.code` the service puts on a refused connection (socket.io `connect_error`). */
export interface ConnectErrorData {
  code: "unauthorized";
}

// ——— Workshops ———

const messageText = z.string().trim().min(1, "A message cannot be empty.").max(500, "A message can be at most 500 characters long.");

export const workshopWatchSchema = z.object({}).strict();
export const workshopAnnounceSchema = z.object({ text: messageText }).strict();
export const workshopHintSchema = z.object({ learnerId: learnerIdSchema, text: messageText }).strict();
export const workshopShadowSchema = z.object({ learnerId: learnerIdSchema }).strict();
export const workshopUnshadowSchema = z.object({}).strict();
export const workshopEndSchema = z.object({}).strict();

export interface WorkshopMessageEvent {
  id: number;
  kind: "announcement" | "hint";
  text: string;
  at: string;
}

export interface WorkshopEndedEvent {
  message: string;
}

/** Names one step of one lesson on the dashboard (rows' `passed` and `currentStep`). */
export function stepKey(lesson: string, step: string): string {
  return `${lesson}/${step}`;
}

/** What a dashboard row says about a learner's sandbox. */
export type SeatSandboxState = "none" | "starting" | "ready" | "idle" | "paused" | "gone";

export interface DashboardRow {
  learnerId: string;
  displayName: string;
  joinedAt: string;
  /** The lesson they are on (last opened or worked in), and its first step not passed yet. */
  lesson: string | null;
  nextStep: string | null;
  stepsPassed: number;
  /** The steps passed in the workshop's lessons, each as `stepKey(lesson, step)`, in course order: the dashboard's grid. */
  passed: string[];
  /** `stepKey` of `nextStep` (null when there is no lesson yet or every step of it is passed): the grid's "current" cell. */
  currentStep: string | null;
  sandbox: SeatSandboxState;
  lastActivity: string | null;
}

export interface DashboardStepCount {
  lesson: string;
  step: string;
  title: string;
  passed: number;
}

export interface DashboardCounts {
  seats: number;
  steps: DashboardStepCount[];
}

export interface DashboardWarmup {
  /** Sandboxes ready for this workshop: learners' live ones plus pooled ones set aside for it. */
  ready: number;
  target: number;
}

export interface DashboardSnapshot {
  workshop: { id: string; title: string; code: string; capacity: number; opensAt: string; closesAt: string; endedAt: string | null };
  lessons: Array<{ slug: string; title: string; steps: Array<{ id: string; title: string }> }>;
  /** The images the workshop's lessons pull, and whether the platform registry has each. */
  images: { reachable: boolean; images: Array<{ image: string; ready: boolean }> };
  rows: DashboardRow[];
  counts: DashboardCounts;
  warmup: DashboardWarmup;
}

export interface ShadowOpened {
  hostname: string;
  lesson: string;
  instance: string;
  offset: number;
  data: Uint8Array;
}

/**
 * The learner's sandbox is on another agent (several machines): the dashboard asks that
 * agent, with the same instructor token, so terminal bytes go straight from there.
 */
export interface ShadowMoved {
  moved: { agent: string; url: string };
}

export interface ShadowOutput {
  learnerId: string;
  instance: string;
  offset: number;
  data: Uint8Array;
}

export interface ShadowEnded {
  learnerId: string;
  message: string;
}

// ——— The event table ———
//
// Every event of the protocol in one place: who may send it, its payload's schema (parsed
// by the service before any handler sees it) and, for requests, the type of the answer.
// The browser's clients, the service's typed socket.io Server and its handler tables, and
// the tests all derive their types from here: an event without a schema, or a role's
// request without a handler, does not compile.

/** Who is at the other end of a socket: a lesson page (learner token) or a workshop dashboard (instructor token). */
export type Role = "learner" | "instructor";

/**
 * The type of an answer or a pushed payload. Only a type: the service builds these itself,
 * so nothing parses them at run time (a phantom value carries the type through the table).
 */
function shape<T>(): T {
  return undefined as unknown as T;
}

/** Requests: the client sends a payload and an acknowledgement callback; the answer is Ack<reply>. */
export const REQUESTS = {
  [EVENTS.sandboxOpen]: { from: "learner", payload: sandboxOpenSchema, reply: shape<SandboxInfo>() },
  [EVENTS.sandboxReset]: { from: "learner", payload: sandboxResetSchema, reply: shape<SandboxInfo>() },
  [EVENTS.sandboxExtend]: { from: "learner", payload: sandboxExtendSchema, reply: shape<SandboxExtended>() },
  [EVENTS.sandboxPortLink]: { from: "learner", payload: sandboxPortLinkSchema, reply: shape<{ url: string }>() },
  [EVENTS.checkRun]: { from: "learner", payload: checkRunSchema, reply: shape<CheckResult>() },
  [EVENTS.fileRead]: { from: "learner", payload: fileReadSchema, reply: shape<FileContent>() },
  [EVENTS.fileWrite]: { from: "learner", payload: fileWriteSchema, reply: shape<FileWritten>() },
  [EVENTS.terminalOpen]: { from: "learner", payload: terminalOpenSchema, reply: shape<TerminalOpened>() },
  [EVENTS.playRemove]: { from: "learner", payload: playRemoveSchema, reply: shape<PlaygroundMachines>() },
  [EVENTS.workshopWatch]: { from: "instructor", payload: workshopWatchSchema, reply: shape<DashboardSnapshot>() },
  [EVENTS.workshopAnnounce]: { from: "instructor", payload: workshopAnnounceSchema, reply: shape<Record<string, never>>() },
  [EVENTS.workshopHint]: { from: "instructor", payload: workshopHintSchema, reply: shape<Record<string, never>>() },
  [EVENTS.workshopShadow]: { from: "instructor", payload: workshopShadowSchema, reply: shape<ShadowOpened | ShadowMoved>() },
  [EVENTS.workshopUnshadow]: { from: "instructor", payload: workshopUnshadowSchema, reply: shape<Record<string, never>>() },
  [EVENTS.workshopEnd]: { from: "instructor", payload: workshopEndSchema, reply: shape<{ removed: number }>() },
} as const satisfies Record<string, { from: Role; payload: z.ZodType; reply: unknown }>;

/** Messages: fire and forget (keystrokes, resizes, acknowledgements); a bad one is answered with protocol:error. */
export const MESSAGES = {
  [EVENTS.terminalInput]: { from: "learner", payload: terminalInputSchema },
  [EVENTS.terminalResize]: { from: "learner", payload: terminalResizeSchema },
  [EVENTS.terminalAck]: { from: "learner", payload: terminalAckSchema },
} as const satisfies Record<string, { from: Role; payload: z.ZodType }>;

/** What the service pushes, and to whom. */
export const PUSHES = {
  [EVENTS.sandboxStatus]: { to: ["learner"], payload: shape<SandboxStatus>() },
  [EVENTS.sandboxEnded]: { to: ["learner"], payload: shape<SandboxEnded>() },
  [EVENTS.sandboxNotice]: { to: ["learner"], payload: shape<SandboxNotice>() },
  [EVENTS.sandboxExpiring]: { to: ["learner"], payload: shape<SandboxExpiring>() },
  [EVENTS.checkPassed]: { to: ["learner"], payload: shape<{ step: string }>() },
  [EVENTS.terminalOutput]: { to: ["learner"], payload: shape<TerminalOutput>() },
  [EVENTS.terminalExit]: { to: ["learner"], payload: shape<TerminalExit>() },
  [EVENTS.workshopMessage]: { to: ["learner"], payload: shape<WorkshopMessageEvent>() },
  [EVENTS.workshopEnded]: { to: ["learner", "instructor"], payload: shape<WorkshopEndedEvent>() },
  [EVENTS.workshopRow]: { to: ["instructor"], payload: shape<DashboardRow>() },
  [EVENTS.workshopCounts]: { to: ["instructor"], payload: shape<DashboardCounts>() },
  [EVENTS.workshopWarmup]: { to: ["instructor"], payload: shape<DashboardWarmup>() },
  [EVENTS.shadowOutput]: { to: ["instructor"], payload: shape<ShadowOutput>() },
  [EVENTS.shadowEnded]: { to: ["instructor"], payload: shape<ShadowEnded>() },
  [EVENTS.protocolError]: { to: ["learner", "instructor"], payload: shape<ProtocolErrorBody & { event: string }>() },
  [EVENTS.serviceRestarting]: { to: ["learner", "instructor"], payload: shape<ServiceRestarting>() },
  [EVENTS.playMachines]: { to: ["learner"], payload: shape<PlaygroundMachines>() },
  [EVENTS.playInviteEnded]: { to: ["learner"], payload: shape<{ message: string }>() },
} as const satisfies Record<string, { to: readonly Role[]; payload: unknown }>;

type Requests = typeof REQUESTS;
type Messages = typeof MESSAGES;
type Pushes = typeof PUSHES;

/** An event's name on the wire: a value of EVENTS. */
export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
/** Accepts only `never`; anything else fails the type check, naming what it got. */
type None<T extends never> = T;
/**
 * Compile-time check that every event of EVENTS is in a table: an event added to EVENTS and
 * to none of REQUESTS, MESSAGES and PUSHES fails the type check here, by name. (The other
 * way round holds by construction: the tables are keyed by EVENTS' values.)
 */
export type EventsOutsideTheTables = None<Exclude<EventName, keyof Requests | keyof Messages | keyof Pushes>>;

export type RequestName<R extends Role = Role> = { [E in keyof Requests]: Requests[E]["from"] extends R ? E : never }[keyof Requests];
export type MessageName<R extends Role = Role> = { [E in keyof Messages]: Messages[E]["from"] extends R ? E : never }[keyof Messages];
export type PushName<R extends Role = Role> = { [E in keyof Pushes]: R extends Pushes[E]["to"][number] ? E : never }[keyof Pushes];

/** What a client sends with a request (the schema's input). */
export type RequestPayload<E extends RequestName> = z.input<Requests[E]["payload"]>;
/** What a handler receives once the service has parsed it (the schema's output). */
export type ParsedRequest<E extends RequestName> = z.output<Requests[E]["payload"]>;
export type Reply<E extends RequestName> = Requests[E]["reply"];
export type MessagePayload<E extends MessageName> = z.input<Messages[E]["payload"]>;
export type ParsedMessage<E extends MessageName> = z.output<Messages[E]["payload"]>;
export type PushPayload<E extends PushName> = Pushes[E]["payload"];

/** What a client of role R may send: socket.io's ClientToServerEvents. */
export type ClientEvents<R extends Role> = {
  [E in RequestName<R>]: (payload: RequestPayload<E>, ack: (answer: Ack<Reply<E>>) => void) => void;
} & {
  [E in MessageName<R>]: (payload: MessagePayload<E>) => void;
};

/** What a client of role R hears: socket.io's ServerToClientEvents. */
export type ServerEvents<R extends Role> = { [E in PushName<R>]: (payload: PushPayload<E>) => void };

/** A lesson page's socket. */
export type ClientToServerEvents = ClientEvents<"learner">;
export type ServerToClientEvents = ServerEvents<"learner">;
/** A workshop dashboard's socket. */
export type DashboardClientEvents = ClientEvents<"instructor">;
export type DashboardServerEvents = ServerEvents<"instructor">;

/** The role that may send `event`, or undefined for an event the protocol does not have. */
export function senderOf(event: string): Role | undefined {
  return (REQUESTS as Record<string, { from: Role }>)[event]?.from ?? (MESSAGES as Record<string, { from: Role }>)[event]?.from;
}
