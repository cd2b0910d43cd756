/** Refuses every socket without a valid sandbox token; binds the rest to one owner. */
import type { Socket } from "socket.io";
import type { ConnectErrorData } from "../../../shared/protocol";
import { TokenError, verifySandboxToken, type SandboxClaims } from "../../../shared/token";
import type { Logger } from "../log/logger";

export interface SocketData {
  claims: SandboxClaims;
}

export function authMiddleware(secret: string, now: () => number, log: Logger) {
  return (socket: Socket, next: (error?: Error) => void) => {
    try {
      (socket.data as SocketData).claims = verifySandboxToken(socket.handshake.auth?.token, secret, now());
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
