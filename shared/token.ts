/**
 * Signed values shared by web and service: the learner cookie and the short-lived
 * sandbox token. HMAC-SHA256 with the platform secret; every signature is bound to a
 * purpose, so a learner cookie can never be replayed as a sandbox token or the reverse.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { agentIdSchema, learnerIdSchema, lessonSlugSchema } from "./ids";
import { TEMPLATE_NAMES } from "./templates";
import { inviteAccessSchema, inviteKeySchema } from "./invites";


export const sandboxClaimsSchema = z.object({
  /** The learner this token speaks for. */
  sub: learnerIdSchema,
  /** The lesson whose sandbox the token may open. */
  lesson: lessonSlugSchema,
  /** Sandbox template the lesson asks for (the web reads it from the lesson's frontmatter). */
  template: z.enum(TEMPLATE_NAMES),
  /**
   * The lesson's machines (frontmatter `machines`), when it has several: the page may open
   * node1 … node<machines>, all on one private network. Absent: one sandbox.
   */
  machines: z.number().int().min(2).max(99).optional(),
  /**
   * The agent (sandbox service) the web app placed this sandbox on; only that agent accepts
   * the token. Absent before any agent has registered (a platform starting up).
   */
  agent: agentIdSchema.optional(),
  /** The workshop the learner is in, when this lesson is part of it: their progress shows on its dashboard. */
  workshop: z.uuid().optional(),
  /**
   * A guest of `sub`'s playground, let in by an invite link (shared/invites.ts): `sub` is
   * then the playground's owner, never the guest. The service checks the invite (by its
   * key) against the database while the guest stays connected and enforces `access` on
   * every event. Only with the lesson "play".
   */
  guest: z.object({ invite: inviteKeySchema, access: inviteAccessSchema }).strict().optional(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
});
export type SandboxClaims = z.infer<typeof sandboxClaimsSchema>;

/** What an instructor's dashboard may do: watch, message and end one workshop they own. */
export const instructorClaimsSchema = z.object({
  /** The instructor's account id. */
  sub: z.uuid(),
  workshop: z.uuid(),
  exp: z.number().int(),
});
export type InstructorClaims = z.infer<typeof instructorClaimsSchema>;

export type TokenFailure = "missing" | "malformed" | "bad_signature" | "expired" | "other_agent";

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(TOKEN_FAILURE_MESSAGES[reason]);
  }
}

/** Sentences the browser shows when the service refuses a connection. */
export const TOKEN_FAILURE_MESSAGES: Record<TokenFailure, string> = {
  missing: "No sandbox token was sent. Reload the page to get one.",
  malformed: "The sandbox token is not readable. Reload the page to get a new one.",
  bad_signature: "The sandbox token was not issued by this platform.",
  expired: "The sandbox token has expired. Reload the page to get a new one.",
  other_agent: "This page's sandbox token is for another machine of the platform. Getting a new one…",
};

function hmac(secret: string, purpose: string, data: string): string {
  return createHmac("sha256", secret).update(`${purpose}\n${data}`).digest("base64url");
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newLearnerId(): string {
  return randomBytes(16).toString("base64url");
}

export function signSandboxToken(claims: SandboxClaims, secret: string): string {
  return signClaims(sandboxClaimsSchema, "sandbox-token", claims, secret);
}

/** Returns the claims of a valid token; throws TokenError saying what is wrong otherwise. */
export function verifySandboxToken(token: unknown, secret: string, nowMs: number): SandboxClaims {
  return verifyClaims(sandboxClaimsSchema, "sandbox-token", token, secret, nowMs);
}

export function signInstructorToken(claims: InstructorClaims, secret: string): string {
  return signClaims(instructorClaimsSchema, "instructor-token", claims, secret);
}

export function verifyInstructorToken(token: unknown, secret: string, nowMs: number): InstructorClaims {
  return verifyClaims(instructorClaimsSchema, "instructor-token", token, secret, nowMs);
}

function signClaims<S extends z.ZodType>(schema: S, purpose: string, claims: z.infer<S>, secret: string): string {
  const body = Buffer.from(JSON.stringify(schema.parse(claims))).toString("base64url");
  return `${body}.${hmac(secret, purpose, body)}`;
}

function verifyClaims<S extends z.ZodType<{ exp: number }>>(schema: S, purpose: string, token: unknown, secret: string, nowMs: number): z.infer<S> {
  if (token === undefined || token === null || token === "") throw new TokenError("missing");
  if (typeof token !== "string" || token.length > 2048) throw new TokenError("malformed");
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) throw new TokenError("malformed");
  if (!sameSignature(signature, hmac(secret, purpose, body))) throw new TokenError("bad_signature");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw new TokenError("malformed");
  }
  const claims = schema.safeParse(json);
  if (!claims.success) throw new TokenError("malformed");
  if (claims.data.exp * 1000 <= nowMs) throw new TokenError("expired");
  return claims.data;
}

/** Cookie value naming an anonymous learner: `<id>.<signature>`. */
export function signLearnerCookie(id: string, secret: string): string {
  return `${learnerIdSchema.parse(id)}.${hmac(secret, "learner-cookie", id)}`;
}

/** The learner id in a cookie value, or null when it is absent, malformed or forged. */
export function readLearnerCookie(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const [id, signature, extra] = value.split(".");
  if (!id || !signature || extra !== undefined || !learnerIdSchema.safeParse(id).success) return null;
  return sameSignature(signature, hmac(secret, "learner-cookie", id)) ? id : null;
}

/** Lets one learner's browser reach one port of one sandbox (sandbox-service/src/ports). */
export const portAccessSchema = z.object({
  sandboxId: z.string().regex(/^[a-f0-9]{64}$/),
  port: z.number().int().min(1).max(65535),
  sub: learnerIdSchema,
  exp: z.number().int(),
});
export type PortAccess = z.infer<typeof portAccessSchema>;

/** A one-minute link's grant: an access plus a random id, so the proxy can accept it once only. */
export const portGrantSchema = portAccessSchema.extend({ nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });
export type PortGrant = z.infer<typeof portGrantSchema>;

/** A fresh grant id (128 random bits). */
export function newPortGrantNonce(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Signs a port access: "grant" for the one-minute link the lesson page opens, "session"
 * for the cookie the proxy sets when that link is used. Purposes differ, so neither can
 * stand in for the other or for a sandbox token.
 */
export function signPortGrant(grant: PortGrant, secret: string): string {
  return signClaims(portGrantSchema, "port-grant", grant, secret);
}

export function signPortSession(access: PortAccess, secret: string): string {
  return signClaims(portAccessSchema, "port-session", access, secret);
}

/** The grant a signed value carries, or null when it is malformed, forged or expired. */
export function verifyPortGrant(value: unknown, secret: string, nowMs: number): PortGrant | null {
  return verifyOrNull(portGrantSchema, "port-grant", value, secret, nowMs);
}

/** The access an access cookie carries, or null when it is malformed, forged or expired. */
export function verifyPortSession(value: unknown, secret: string, nowMs: number): PortAccess | null {
  return verifyOrNull(portAccessSchema, "port-session", value, secret, nowMs);
}

function verifyOrNull<S extends z.ZodType<{ exp: number }>>(schema: S, purpose: string, value: unknown, secret: string, nowMs: number): z.infer<S> | null {
  if (typeof value !== "string" || value.length > 1024) return null;
  try {
    return verifyClaims(schema, purpose, value, secret, nowMs);
  } catch (error) {
    if (error instanceof TokenError) return null;
    throw error;
  }
}
