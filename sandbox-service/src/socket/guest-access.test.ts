import { afterEach, describe, expect, it, vi } from "vitest";
import { EVENTS } from "../../../shared/protocol";
import type { InviteRecord } from "../../../shared/invites";
import type { SandboxClaims } from "../../../shared/token";
import { GUEST_RULES, guestRefusal, watchInvite } from "./guest-access";

describe("guestRefusal", () => {
  it("lets a read-only guest open machines and watch, and nothing that changes anything", () => {
    for (const event of [EVENTS.sandboxOpen, EVENTS.terminalOpen, EVENTS.terminalAck, EVENTS.fileRead] as const) {
      expect(guestRefusal(event, "read")).toBeNull();
    }
    for (const event of [EVENTS.terminalInput, EVENTS.terminalResize, EVENTS.fileWrite] as const) {
      expect(guestRefusal(event, "read")).toMatch(/read-only/);
    }
  });

  it("lets a read-write guest type, but never manage the owner's machines, session or ports", () => {
    expect(guestRefusal(EVENTS.terminalInput, "write")).toBeNull();
    expect(guestRefusal(EVENTS.fileWrite, "write")).toBeNull();
    for (const event of [EVENTS.sandboxReset, EVENTS.sandboxExtend, EVENTS.sandboxPortLink, EVENTS.checkRun, EVENTS.playRemove] as const) {
      expect(guestRefusal(event, "write")).toMatch(/Only the playground's owner/);
      expect(guestRefusal(event, "read")).toMatch(/Only the playground's owner/);
    }
  });

  it("has a rule for every learner event", () => {
    expect(Object.keys(GUEST_RULES).sort()).toEqual(
      [EVENTS.sandboxOpen, EVENTS.sandboxReset, EVENTS.sandboxExtend, EVENTS.sandboxPortLink, EVENTS.checkRun, EVENTS.fileRead, EVENTS.fileWrite, EVENTS.terminalOpen, EVENTS.playRemove, EVENTS.terminalInput, EVENTS.terminalResize, EVENTS.terminalAck].sort(),
    );
  });
});

describe("watchInvite", () => {
  afterEach(() => vi.useRealTimers());
  const owner = "owner-learner-id-0000";
  const key = "b".repeat(64);
  const claims: SandboxClaims = { sub: owner, lesson: "play", template: "docker", exp: 2e9, guest: { invite: key, access: "read" } };
  const invite = (over: Partial<InviteRecord> = {}): InviteRecord => ({
    key, ownerId: owner, access: "read", createdAt: new Date(0), expiresAt: new Date(10_000), revokedAt: null, ...over,
  });

  it("ends the guest when the owner revokes the link, at the next check", async () => {
    vi.useFakeTimers();
    let current = invite();
    const ended = vi.fn();
    const stop = watchInvite(claims, async () => current, () => 1000, 3000, ended);
    await vi.advanceTimersByTimeAsync(3000);
    expect(ended).not.toHaveBeenCalled();
    current = invite({ revokedAt: new Date(500) });
    await vi.advanceTimersByTimeAsync(3000);
    expect(ended).toHaveBeenCalledExactlyOnceWith(expect.stringMatching(/revoked/));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ended).toHaveBeenCalledOnce();
    stop();
  });

  it("ends the guest when the link expires, by the clock", async () => {
    vi.useFakeTimers();
    let clock = 1000;
    const ended = vi.fn();
    watchInvite(claims, async () => invite(), () => clock, 3000, ended);
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).not.toHaveBeenCalled();
    clock = 10_000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(ended).toHaveBeenCalledExactlyOnceWith(expect.stringMatching(/expired/));
  });

  it("refuses at once a token whose invite is unknown or another learner's", async () => {
    const unknown = vi.fn();
    watchInvite(claims, async () => null, () => 1000, 3000, unknown);
    await vi.waitFor(() => expect(unknown).toHaveBeenCalledWith(expect.stringMatching(/not valid/)));
    const other = vi.fn();
    watchInvite(claims, async () => invite({ ownerId: "someone-else-entirely" }), () => 1000, 3000, other);
    await vi.waitFor(() => expect(other).toHaveBeenCalledWith(expect.stringMatching(/another playground/)));
  });

  it("keeps the guest while the database is away, and decides at the next check", async () => {
    vi.useFakeTimers();
    let away = true;
    const ended = vi.fn();
    watchInvite(claims, async () => { if (away) throw new Error("connection refused"); return invite({ revokedAt: new Date(0) }); }, () => 1000, 3000, ended);
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).not.toHaveBeenCalled();
    away = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(ended).toHaveBeenCalledWith(expect.stringMatching(/revoked/));
  });
});
