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
 *     ← sandbox:expiring                  the maximum lifetime is near; → sandbox:extend {} (ack) adds time
 *   → sandbox:port-link {port}    ack      a one-minute link (path on the service) opening that port in the browser
 *   → check:run {step}             ack      runs the lesson step's check in the sandbox: passed, or what is missing
 *     ← check:passed {step}                 to every tab of the sandbox, when a step passes
 *   → file:read {path}             ack      a text file of the sandbox, for the lesson's <Editor> (empty, exists: false, if missing)
 *   → file:write {path, content}   ack      saves it atomically; refused as a conflict if it changed since `baseVersion`
 */
import { z } from "zod";

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
}).strict();

export const sandboxResetSchema = z.object({}).strict();
export const sandboxExtendSchema = z.object({}).strict();
export const checkRunSchema = z.object({ step: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/) }).strict();
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
}

export type SandboxPhase = "queued" | "creating" | "starting" | "ready";
export interface SandboxStatus {
  phase: SandboxPhase;
  message: string;
}

export type SandboxEndReason = "idle" | "lifetime" | "reset" | "gone";
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
  data: Uint8Array;
}

export interface TerminalExit {
  terminalId: string;
  instance: string;
  message: string;
}

export interface ServerToClientEvents {
  [EVENTS.sandboxStatus]: (status: SandboxStatus) => void;
  [EVENTS.sandboxEnded]: (ended: SandboxEnded) => void;
  [EVENTS.sandboxNotice]: (notice: SandboxNotice) => void;
  [EVENTS.sandboxExpiring]: (expiring: SandboxExpiring) => void;
  [EVENTS.checkPassed]: (passed: { step: string }) => void;
  [EVENTS.terminalOutput]: (output: TerminalOutput) => void;
  [EVENTS.terminalExit]: (exit: TerminalExit) => void;
  [EVENTS.protocolError]: (error: ProtocolErrorBody & { event: string }) => void;
}

export interface ClientToServerEvents {
  [EVENTS.sandboxOpen]: (request: SandboxOpenRequest, ack: (result: Ack<SandboxInfo>) => void) => void;
  [EVENTS.sandboxReset]: (request: SandboxResetRequest, ack: (result: Ack<SandboxInfo>) => void) => void;
  [EVENTS.sandboxExtend]: (request: SandboxExtendRequest, ack: (result: Ack<SandboxExtended>) => void) => void;
  [EVENTS.sandboxPortLink]: (request: SandboxPortLinkRequest, ack: (result: Ack<{ path: string }>) => void) => void;
  [EVENTS.checkRun]: (request: CheckRunRequest, ack: (result: Ack<CheckResult>) => void) => void;
  [EVENTS.fileRead]: (request: FileReadRequest, ack: (result: Ack<FileContent>) => void) => void;
  [EVENTS.fileWrite]: (request: FileWriteRequest, ack: (result: Ack<FileWritten>) => void) => void;
  [EVENTS.terminalOpen]: (request: TerminalOpenRequest, ack: (result: Ack<TerminalOpened>) => void) => void;
  [EVENTS.terminalInput]: (input: TerminalInput) => void;
  [EVENTS.terminalResize]: (resize: TerminalResize) => void;
  [EVENTS.terminalAck]: (ack: TerminalAck) => void;
}

/** The `data.code` the service puts on a refused connection (socket.io `connect_error`). */
export interface ConnectErrorData {
  code: "unauthorized";
}
