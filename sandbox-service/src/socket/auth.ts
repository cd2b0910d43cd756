/**
 * Refuses every socket without a valid token and binds the rest to what the token names:
 * a learner's sandbox token (one learner, lesson and template) or an instructor's token
 * (one workshop they own; the web checked the ownership before signing it).
 */
import type { Socket } from "socket.io";
import type { ConnectErrorData } from "../../../shared/protocol";
import { TokenError, verifyInstructorToken, verifySandboxToken, type InstructorClaims, type SandboxClaims } from "../../../shared/token";
import type { Logger } from "../log/logger";

export type SocketData = { role: "learner"; claims: SandboxClaims } | { role: "instructor"; claims: InstructorClaims };

/**
 * `agentId`: this agent; a learner's token placed on another one is refused (the page asks
 * the web app again and is sent where its sandbox is, or to a live agent).
 */
export function authMiddleware(secret: string, agentId: string, now: () => number, log: Logger) {
  return (socket: Socket, next: (error?: Error) => void) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; instructorToken?: unknown };
    try {
      const data: SocketData =
        auth.instructorToken !== undefined
          ? { role: "instructor", claims: verifyInstructorToken(auth.instructorToken, secret, now()) }
          : { role: "learner", claims: verifySandboxToken(auth.token, secret, now()) };
      if (data.role === "learner" && data.claims.agent !== undefined && data.claims.agent !== agentId) throw new TokenError("other_agent");
      Object.assign(socket.data as object, data);
      next();
    } catch (error) {
      const reason = error instanceof TokenError ? error.reason : "malformed";
      log.warn("socket refused", { reason, address: socket.handshake.address });
      const refusal = new Error(error instanceof TokenError ? error.message : "The sandbox token could not be checked.");
      (refusal as Error & { data: ConnectErrorData }).data = { code: "unauthorized" };
      next(refusal);
    }
  };
}
