/**
 * Reads and saves text files of a learner's sandbox for the lesson editor, through the
 * engine's archive calls (Docker's archive API: tar over the Engine API, no shell and no
 * terminal involved, so an editor never waits for, or types into, the learner's shell).
 *
 * Rules, on top of the path rules of sandbox-path.ts:
 * - Every folder on the way, from the allowed root down, must be a real folder: a symlink
 *   anywhere in the path is refused, so a link in /root cannot lead the editor to /etc.
 *   (Docker would follow a symlinked *parent* within the container; the walk below stops
 *   that. A learner racing the walk can at most reach another file of their own container,
 *   where they are root anyway: the container is the isolation boundary, see
 *   sandbox-path.ts.)
 * - The file itself must be a regular file (not a symlink, folder, pipe, socket or device)
 *   of at most `maxBytes`, holding text (UTF-8 without NUL bytes) — the editor would
 *   otherwise show a binary file mangled, and saving would corrupt it.
 * - A file that does not exist reads as empty with `exists: false`; saving creates it, and
 *   any missing folders on the way (inside the allowed root).
 * - Saving keeps an existing file's mode and owner, and is atomic: the content goes to a
 *   temporary name in the same folder, then `mv -T` renames it over the file (rename(2)),
 *   so a reader in the sandbox sees the old file or the new one, never half of one; if
 *   anything fails, the temporary file is removed and the old file is untouched.
 * - With `baseVersion`, a save is refused (conflict) when the file changed since: edits
 *   made in the terminal or another tab are not overwritten by surprise.
 * - Requests for one sandbox run one at a time, in order (two quick saves land in the
 *   order they were made), with at most MAX_QUEUED waiting.
 */
import { createHash, randomBytes } from "node:crypto";
import { FILE_VERSION_NONE, type FileContent, type FileWritten } from "../../../shared/protocol";
import { EngineUnavailableError, QuotaExceededError, SandboxGoneError, type ArchiveEntry, type SandboxEngine } from "../engine/engine";
import { saysDiskFull } from "../engine/errors";
import type { Logger } from "../log/logger";
import { UserFacingError } from "../user-facing-error";
import type { Sandbox } from "../sessions/sandbox";
import { displayPath, resolveSandboxPath, type SandboxPath } from "./sandbox-path";

/** File requests of one sandbox waiting their turn; past it a request is refused (a runaway client). */
const MAX_QUEUED = 8;
/** `mv` and `rm` inside the sandbox are instant; past this the sandbox is stuck (frozen, out of processes). */
const COMMAND_TIMEOUT_MS = 15_000;
/** New files: rw-r--r--, owned by root (the learner). New folders: rwxr-xr-x. */
const NEW_FILE_MODE = 0o644;
const NEW_FOLDER_MODE = 0o755;

export interface SandboxFilesOptions {
  /** SANDBOX_FILE_MAX_BYTES. */
  maxBytes: number;
}

export function fileVersion(content: Uint8Array): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

/** "1 MiB (1,048,576 bytes)": round for reading, exact so a file just over the limit is visibly over. */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString("en-US")} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1024) return exact;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KiB"] : [bytes / (1024 * 1024), "MiB"];
  return `${Number.isInteger(value) ? value : `about ${value.toFixed(1)}`} ${unit} (${exact})`;
}

/** Where a path's folders stand: the deepest one that exists, and the ones to create below it. */
interface Folders {
  existing: string;
  missing: string[];
}

export class SandboxFiles {
  private readonly queues = new Map<string, { tail: Promise<unknown>; length: number }>();

  constructor(
    private readonly engine: SandboxEngine,
    private readonly options: SandboxFilesOptions,
    private readonly log: Logger,
  ) {}

  /** The file's text, or empty with `exists: false` when there is none yet. */
  read(sandbox: Sandbox, input: string): Promise<FileContent> {
    const target = resolveSandboxPath(input);
    return this.queued(sandbox, "read", target, async () => {
      const none: FileContent = { path: target.path, exists: false, content: new Uint8Array(), version: FILE_VERSION_NONE, maxBytes: this.options.maxBytes };
      const folders = await this.folders(sandbox.id, target);
      if (folders.missing.length > 0) return none;
      const file = await this.engine.readFile(sandbox.id, target.path, this.options.maxBytes);
      if (!file) return none;
      this.refuseNonFile(target, file);
      if (file.content === undefined) {
        throw new UserFacingError(
          "too_large",
          `${displayPath(target.path)} is too large for the editor: it is ${formatBytes(file.size)}, and the editor opens files of up to ${formatBytes(this.options.maxBytes)}. Look at it in the terminal instead (less ${displayPath(target.path)}).`,
        );
      }
      if (file.content.includes(0) || !isUtf8(file.content)) {
        throw new UserFacingError("bad_request", `${displayPath(target.path)} is not a text file (it holds binary data), so the editor leaves it alone.`);
      }
      return { path: target.path, exists: true, content: new Uint8Array(file.content), version: fileVersion(file.content), maxBytes: this.options.maxBytes };
    });
  }

  /** Saves `content` atomically, keeping an existing file's mode and owner; creates missing folders. */
  write(sandbox: Sandbox, input: string, content: Uint8Array, baseVersion?: string): Promise<FileWritten> {
    const target = resolveSandboxPath(input);
    if (content.byteLength > this.options.maxBytes) {
      throw new UserFacingError(
        "too_large",
        `This text is too large to save: it is ${formatBytes(content.byteLength)}, and the editor saves files of up to ${formatBytes(this.options.maxBytes)}. Nothing was saved: ${displayPath(target.path)} is unchanged.`,
      );
    }
    return this.queued(sandbox, "save", target, async () => {
      const folders = await this.folders(sandbox.id, target);
      const existing = folders.missing.length > 0 ? null : await this.engine.readFile(sandbox.id, target.path, this.options.maxBytes);
      if (existing) this.refuseNonFile(target, existing);
      if (baseVersion !== undefined) {
        // A file too large to read cannot be the version the editor loaded.
        const current = existing ? (existing.content ? fileVersion(existing.content) : undefined) : FILE_VERSION_NONE;
        if (current !== baseVersion) {
          throw new UserFacingError(
            "conflict",
            current === FILE_VERSION_NONE
              ? `${displayPath(target.path)} was deleted in your sandbox since you opened it. Overwrite to create it again with your text, or reload.`
              : `${displayPath(target.path)} changed in your sandbox since you opened it (in the terminal or another tab). Reload to see that version, or overwrite it with yours.`,
          );
        }
      }

      const name = target.below.at(-1)!;
      const folderPath = target.below.slice(0, -1);
      const temporary = `.${name.slice(0, 200)}.dojo-save-${randomBytes(4).toString("hex")}`;
      // Entries are relative to the deepest existing folder: missing folders first, then the file.
      const inside = folders.missing.join("/");
      const entries: ArchiveEntry[] = folders.missing.map((_, i) => ({
        name: folders.missing.slice(0, i + 1).join("/"),
        type: "directory",
        mode: NEW_FOLDER_MODE,
        uid: 0,
        gid: 0,
      }));
      entries.push({
        name: inside ? `${inside}/${temporary}` : temporary,
        type: "file",
        mode: existing?.mode ?? NEW_FILE_MODE,
        uid: existing?.uid ?? 0,
        gid: existing?.gid ?? 0,
        content,
      });
      const temporaryPath = [target.root, ...folderPath, temporary].join("/");
      try {
        await this.engine.writeFiles(sandbox.id, folders.existing, entries);
        const moved = await this.engine.run(sandbox.id, { cmd: ["mv", "-fT", "--", temporaryPath, target.path], timeoutMs: COMMAND_TIMEOUT_MS });
        if (moved.exitCode !== 0) {
          const said = moved.stderr.trim() || moved.stdout.trim();
          // mv's own words are the only sign of a full disk here: a program's output, not Docker's.
          if (saysDiskFull(said)) throw new QuotaExceededError(said);
          throw new Error(`mv exited with ${moved.exitCode ?? "a timeout"}: ${said}`);
        }
      } catch (error) {
        await this.engine.run(sandbox.id, { cmd: ["rm", "-f", "--", temporaryPath], timeoutMs: COMMAND_TIMEOUT_MS }).catch(() => undefined);
        throw error;
      }
      return { path: target.path, version: fileVersion(content), size: content.byteLength };
    });
  }

  /**
   * Checks every folder from the allowed root down to the file's: each must be a real
   * folder (not a symlink, not a file). Stops at the first one missing: it and those below
   * it are to be created.
   */
  private async folders(containerId: string, target: SandboxPath): Promise<Folders> {
    const chain = [target.root, ...target.below.slice(0, -1).map((_, i) => [target.root, ...target.below.slice(0, i + 1)].join("/"))];
    let existing = "/";
    for (const [i, folder] of chain.entries()) {
      const stat = await this.engine.statPath(containerId, folder);
      if (!stat) {
        if (i === 0) throw new UserFacingError("not_found", `${folder} does not exist in your sandbox, so the editor cannot use it.`);
        return { existing, missing: target.below.slice(i - 1, -1) };
      }
      if (stat.kind === "symlink") {
        throw new UserFacingError(
          "forbidden",
          `${displayPath(folder)} is a symbolic link (to ${stat.linkTarget}). The editor does not follow links, so it cannot be led outside your home folder: name the real folder instead.`,
        );
      }
      if (stat.kind !== "directory") {
        throw new UserFacingError("bad_request", `${displayPath(folder)} is a file, not a folder, so it cannot hold ${displayPath(target.path)}.`);
      }
      existing = folder;
    }
    return { existing, missing: [] };
  }

  private refuseNonFile(target: SandboxPath, file: { kind: string; linkTarget: string }): void {
    const shown = displayPath(target.path);
    if (file.kind === "symlink") {
      throw new UserFacingError(
        "forbidden",
        `${shown} is a symbolic link (to ${file.linkTarget}). The editor opens only regular files, so a link cannot lead it outside your home folder.`,
      );
    }
    if (file.kind === "directory") throw new UserFacingError("bad_request", `${shown} is a folder, not a file.`);
    if (file.kind !== "file") {
      throw new UserFacingError("bad_request", `${shown} is not a regular file (it is a device, a pipe or a socket), so the editor leaves it alone.`);
    }
  }

  /** Runs requests of one sandbox one at a time; engine failures become sentences. */
  private async queued<T>(sandbox: Sandbox, verb: "read" | "save", target: SandboxPath, work: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(sandbox.id) ?? { tail: Promise.resolve(), length: 0 };
    if (queue.length >= MAX_QUEUED) {
      throw new UserFacingError("capacity", "Too many file requests for this sandbox at once. Wait for the others to finish, then try again.");
    }
    queue.length++;
    this.queues.set(sandbox.id, queue);
    const run = queue.tail.then(work);
    queue.tail = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      throw this.explain(error, verb, target);
    } finally {
      if (--queue.length === 0 && this.queues.get(sandbox.id) === queue) this.queues.delete(sandbox.id);
    }
  }

  private explain(error: unknown, verb: "read" | "save", target: SandboxPath): UserFacingError {
    if (error instanceof UserFacingError) return error;
    const shown = displayPath(target.path);
    const unchanged = verb === "save" ? ` ${shown} is unchanged.` : "";
    if (error instanceof EngineUnavailableError) {
      return new UserFacingError("engine_unavailable", `The sandbox engine (Docker) is not reachable right now, so ${shown} could not be ${verb === "save" ? "saved" : "read"}.${unchanged} Try again in a moment.`, { cause: error });
    }
    if (error instanceof SandboxGoneError) {
      return new UserFacingError("not_found", "Your sandbox is gone (it was removed). Reload the page to start a new one.", { cause: error });
    }
    if (error instanceof QuotaExceededError) {
      return new UserFacingError("capacity", `Your sandbox's disk is full, so ${shown} could not be saved; it is unchanged. Delete something you no longer need (rm) and save again.`, { cause: error });
    }
    this.log.error(`could not ${verb} a sandbox file`, { path: target.path, error: String((error as Error)?.message ?? error) });
    return new UserFacingError("sandbox_failed", `${shown} could not be ${verb === "save" ? "saved" : "read"} in your sandbox.${unchanged} Try again in a moment.`, { cause: error });
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
