import { describe, expect, it } from "vitest";
import {
  newPortGrantNonce,
  readLearnerCookie,
  signLearnerCookie,
  signPortGrant,
  signPortSession,
  signSandboxToken,
  TokenError,
  verifyPortGrant,
  verifyPortSession,
  verifySandboxToken,
  type SandboxClaims,
} from "./token";

const SECRET = "s".repeat(40);
const NOW = Date.UTC(2026, 0, 1);
const claims: SandboxClaims = { sub: "learner-0123456789abcd", lesson: "start-here", template: "shell", exp: NOW / 1000 + 60 };

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenError) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("sandbox tokens", () => {
  it("round-trips the claims", () => {
    expect(verifySandboxToken(signSandboxToken(claims, SECRET), SECRET, NOW)).toEqual(claims);
  });

  it("refuses a missing token", () => {
    expect(failure(() => verifySandboxToken(undefined, SECRET, NOW))).toBe("missing");
    expect(failure(() => verifySandboxToken("", SECRET, NOW))).toBe("missing");
  });

  it("refuses a token signed with another secret", () => {
    expect(failure(() => verifySandboxToken(signSandboxToken(claims, "x".repeat(40)), SECRET, NOW))).toBe("bad_signature");
  });

  it("refuses a token whose claims were edited", () => {
    const [body, signature] = signSandboxToken(claims, SECRET).split(".");
    const edited = JSON.parse(Buffer.from(body!, "base64url").toString());
    edited.sub = "someone-else-0123456789";
    const forged = `${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${signature}`;
    expect(failure(() => verifySandboxToken(forged, SECRET, NOW))).toBe("bad_signature");
  });

  it("refuses an expired token, at the second it expires", () => {
    const token = signSandboxToken(claims, SECRET);
    expect(failure(() => verifySandboxToken(token, SECRET, claims.exp * 1000 - 1))).toBe("accepted");
    expect(failure(() => verifySandboxToken(token, SECRET, claims.exp * 1000))).toBe("expired");
  });

  it("refuses garbage of every shape", () => {
    for (const junk of [42, {}, "abc", "a.b.c", "x".repeat(5000), ["a"]]) {
      expect(failure(() => verifySandboxToken(junk, SECRET, NOW))).toMatch(/malformed|bad_signature/);
    }
  });

  it("will not sign claims that break the schema", () => {
    expect(() => signSandboxToken({ ...claims, lesson: "../etc" }, SECRET)).toThrow();
  });
});

describe("learner cookies", () => {
  it("round-trips the learner id", () => {
    expect(readLearnerCookie(signLearnerCookie(claims.sub, SECRET), SECRET)).toBe(claims.sub);
  });

  it("rejects forged and malformed cookies", () => {
    const cookie = signLearnerCookie(claims.sub, SECRET);
    expect(readLearnerCookie(cookie, "y".repeat(40))).toBeNull();
    expect(readLearnerCookie(cookie.replace(claims.sub, "another-learner-0123456"), SECRET)).toBeNull();
    expect(readLearnerCookie("no-dot", SECRET)).toBeNull();
    expect(readLearnerCookie(undefined, SECRET)).toBeNull();
  });

  it("cannot be replayed as a sandbox token (signatures are bound to their purpose)", () => {
    const [, cookieSignature] = signLearnerCookie(claims.sub, SECRET).split(".");
    const body = signSandboxToken(claims, SECRET).split(".")[0];
    expect(failure(() => verifySandboxToken(`${body}.${cookieSignature}`, SECRET, NOW))).toBe("bad_signature");
  });
});

describe("port grants and access cookies", () => {
  const access = { sandboxId: "a".repeat(64), port: 5000, sub: "learner-0123456789abcd", exp: NOW / 1000 + 60 };
  const grant = { ...access, nonce: newPortGrantNonce() };

  it("round-trip, each with its own purpose: a grant is no access cookie, nor the reverse", () => {
    expect(verifyPortGrant(signPortGrant(grant, SECRET), SECRET, NOW)).toEqual(grant);
    expect(verifyPortSession(signPortSession(access, SECRET), SECRET, NOW)).toEqual(access);
    expect(verifyPortSession(signPortGrant(grant, SECRET), SECRET, NOW)).toBeNull();
    expect(verifyPortGrant(signPortSession(access, SECRET), SECRET, NOW)).toBeNull();
    expect(verifyPortGrant(signSandboxToken(claims, SECRET), SECRET, NOW)).toBeNull();
  });

  it("give each grant a different id, so each can be used once", () => {
    expect(newPortGrantNonce()).not.toBe(newPortGrantNonce());
    expect(newPortGrantNonce()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("are refused when expired, forged, oversized or not a string", () => {
    expect(verifyPortGrant(signPortGrant(grant, SECRET), SECRET, NOW + 60_000)).toBeNull();
    expect(verifyPortGrant(signPortGrant(grant, "x".repeat(40)), SECRET, NOW)).toBeNull();
    expect(verifyPortGrant("x".repeat(5000), SECRET, NOW)).toBeNull();
    expect(verifyPortGrant({ toString: () => signPortGrant(grant, SECRET) }, SECRET, NOW)).toBeNull();
    expect(verifyPortSession("not.a.token", SECRET, NOW)).toBeNull();
  });
});
