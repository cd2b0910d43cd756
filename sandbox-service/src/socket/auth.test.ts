import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import { signInstructorToken, signSandboxToken, TOKEN_FAILURE_MESSAGES, type SandboxClaims } from "../../../shared/token";
import type { LogFields, Logger } from "../log/logger";
import { authMiddleware, type SocketData } from "./auth";

const SECRET = "test-secret-test-secret-test-secret";
const NOW_MS = 1_700_000_000_000;
const claims: SandboxClaims = { sub: "learner-000000000001", lesson: "containers", template: "shell", exp: NOW_MS / 1000 + 300 };

/** Runs the middleware on a socket with this handshake auth: the error `next` got (undefined: let in), the socket's data, and the warnings logged. */
function connect(auth: Record<string, unknown>, agentId = "node-a") {
  const warnings: Array<{ message: string; fields?: LogFields }> = [];
  const log: Logger = { info() {}, warn: (message, fields) => warnings.push({ message, fields }), error() {} };
  const socket = { handshake: { auth, address: "192.0.2.7" }, data: {} } as unknown as Socket;
  const next: { calls: number; error?: Error } = { calls: 0 };
  authMiddleware(SECRET, agentId, () => NOW_MS, log)(socket, (error) => {
    next.calls++;
    next.error = error;
  });
  expect(next.calls, "the middleware answers at once, once").toBe(1);
  return { outcome: next.error, data: socket.data as Partial<SocketData>, warnings };
}

describe("authMiddleware", () => {
  it("lets in a learner whose token names this agent, bound to its claims", () => {
    const { outcome, data } = connect({ token: signSandboxToken({ ...claims, agent: "node-a" }, SECRET) });
    expect(outcome).toBeUndefined();
    expect(data).toEqual({ role: "learner", claims: { ...claims, agent: "node-a" } });
  });

  it("refuses a learner's token signed for another agent, in a sentence, and logs why", () => {
    const { outcome, data, warnings } = connect({ token: signSandboxToken({ ...claims, agent: "node-b" }, SECRET) }, "node-a");
    expect(outcome).toBeInstanceOf(Error);
    expect(outcome?.message).toBe(TOKEN_FAILURE_MESSAGES.other_agent);
    expect((outcome as Error & { data?: unknown }).data).toEqual({ code: "unauthorized" });
    expect(data).toEqual({});
    expect(warnings).toEqual([{ message: "socket refused", fields: { reason: "other_agent", address: "192.0.2.7" } }]);
  });

  it("lets in a token without an agent (signed before any agent registered: one machine starting)", () => {
    expect(connect({ token: signSandboxToken(claims, SECRET) }).outcome).toBeUndefined();
  });

  it("does not bind an instructor's token to an agent: a dashboard may connect through any", () => {
    const instructor = { sub: "7f0c1f5e-8f8a-4c55-9d1c-2b0b3f1e7a10", workshop: "0b8e6a3c-7f44-4b8e-9a51-6a2f3c9d1e22", exp: NOW_MS / 1000 + 300 };
    const { outcome, data } = connect({ instructorToken: signInstructorToken(instructor, SECRET) }, "node-z");
    expect(outcome).toBeUndefined();
    expect(data.role).toBe("instructor");
  });

  it("refuses a token signed with another secret", () => {
    const { outcome, warnings } = connect({ token: signSandboxToken({ ...claims, agent: "node-a" }, "another-secret-another-secret-xx") });
    expect(outcome?.message).toBe(TOKEN_FAILURE_MESSAGES.bad_signature);
    expect(warnings[0]?.fields?.reason).toBe("bad_signature");
  });
});
