import { describe, expect, it } from "vitest";
import { defaultInviteSeconds, inviteExpiryChoices, inviteLinkIdSchema, inviteRefusal, type InviteRecord } from "./invites";

const now = new Date("2026-11-28T12:00:00Z");
const invite = (over: Partial<InviteRecord> = {}): InviteRecord => ({
  key: "a".repeat(64),
  ownerId: "owner-learner-id-0000",
  access: "read",
  createdAt: new Date(now.getTime() - 60_000),
  expiresAt: new Date(now.getTime() + 60_000),
  revokedAt: null,
  ...over,
});

describe("inviteRefusal", () => {
  it("lets a live invite open its owner's playground", () => {
    expect(inviteRefusal(invite(), "owner-learner-id-0000", now)).toBeNull();
  });

  it("refuses an unknown link", () => {
    expect(inviteRefusal(null, "owner-learner-id-0000", now)).toBe("unknown");
  });

  it("refuses an expired invite, from the second it expires", () => {
    expect(inviteRefusal(invite({ expiresAt: now }), "owner-learner-id-0000", now)).toBe("expired");
  });

  it("refuses a revoked invite even before its expiry", () => {
    expect(inviteRefusal(invite({ revokedAt: new Date(now.getTime() - 1) }), "owner-learner-id-0000", now)).toBe("revoked");
  });

  it("never opens another learner's playground with one learner's invite", () => {
    expect(inviteRefusal(invite(), "someone-else-entirely", now)).toBe("other_owner");
  });
});

describe("invite link ids", () => {
  it("accepts only 22 base64url characters (128 bits)", () => {
    expect(inviteLinkIdSchema.safeParse("AbCdEfGhIjKlMnOpQrStU_").success).toBe(true);
    for (const hostile of ["", "short", "../../etc/passwd00000", "AbCdEfGhIjKlMnOpQrStU_x", "AbCdEfGhIjKlMnOpQrSt'--", "AbCdEfGhIjKlMnOpQrSt\0U"]) {
      expect(inviteLinkIdSchema.safeParse(hostile).success).toBe(false);
    }
  });
});

describe("expiry choices", () => {
  it("offer 1 hour by default and never more than the sandbox lifetime", () => {
    expect(inviteExpiryChoices(7200)).toEqual([900, 3600, 7200]);
    expect(defaultInviteSeconds(7200)).toBe(3600);
    expect(inviteExpiryChoices(1800)).toEqual([900, 1800]);
    expect(defaultInviteSeconds(1800)).toBe(1800);
  });
});
