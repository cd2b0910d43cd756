/**
 * What can go wrong in the engine, in the engine's own words. The driver translates
 * Docker's answers (status codes, message texts, connection errors) into these once, at
 * the boundary (docker-engine.ts `translate`); nothing above engine/ reads Docker's shapes.
 * Each carries Docker's detail as its message (for logs), never as a learner's sentence.
 */

/** A request the engine refused or failed for a reason none of the classes below names. */
export class EngineError extends Error {}

/** The engine cannot be reached (not running, socket missing, connection refused or cut). */
export class EngineUnavailableError extends EngineError {
  constructor(cause?: unknown) {
    super("The Docker engine is not reachable.", { cause });
  }
}

/** The container does not exist (any more): removed, or never created. */
export class SandboxGoneError extends EngineError {}

/** The container exists but cannot run commands now: stopped, or paused (frozen). */
export class SandboxNotRunningError extends EngineError {}

/** The image a container was asked for is not on this engine (images/build.sh makes them). */
export class ImageMissingError extends EngineError {}

/** A write was refused because the container's disk limit (or the engine's disk) is full. */
export class QuotaExceededError extends EngineError {}

/**
 * What a program says when a write is refused for want of disk: EDQUOT (glibc's "Disk quota
 * exceeded", musl's "Quota exceeded") at the sandbox's limit, ENOSPC where the engine's own
 * disk fills. Lowercase; found anywhere in a text, without regard to case. For the words of
 * programs in a sandbox (`mv`, a learner's shell), which only their output tells.
 */
export const DISK_FULL_PHRASES: readonly string[] = ["quota exceeded", "no space left on device"];

/** Whether a program's output says its disk is full (DISK_FULL_PHRASES). */
export function saysDiskFull(text: string): boolean {
  const lower = text.toLowerCase();
  return DISK_FULL_PHRASES.some((phrase) => lower.includes(phrase));
}
