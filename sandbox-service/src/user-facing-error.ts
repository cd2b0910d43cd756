import type { ErrorCode } from "../../shared/protocol";

/** An error whose message is a sentence fit for the learner's screen. */
export class UserFacingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
