import { describe, expect, it } from "vitest";
import { SingleUseGrants } from "./single-use-grants";

const NOW = Date.UTC(2026, 0, 1);
const grant = (nonce: string, sandbox = "a", expSeconds = NOW / 1000 + 60) => ({
  sandboxId: sandbox.repeat(64),
  port: 5000,
  sub: "learner-0123456789abcd",
  exp: expSeconds,
  nonce: nonce.padEnd(22, "x"),
});

describe("SingleUseGrants", () => {
  it("lets a grant in once, and refuses it every time after", () => {
    const grants = new SingleUseGrants(() => NOW);
    expect(grants.redeem(grant("one"))).toBe("redeemed");
    expect(grants.redeem(grant("one"))).toBe("already_used");
    expect(grants.redeem(grant("one"))).toBe("already_used");
    expect(grants.redeem(grant("two"))).toBe("redeemed");
  });

  it("bounds what one sandbox can make it remember, without touching other sandboxes", () => {
    const grants = new SingleUseGrants(() => NOW, 3);
    for (const nonce of ["a1", "a2", "a3"]) expect(grants.redeem(grant(nonce))).toBe("redeemed");
    expect(grants.redeem(grant("a4"))).toBe("too_many");
    expect(grants.redeem(grant("b1", "b"))).toBe("redeemed");
  });

  it("forgets grants once they have expired (they are refused as expired from then on)", () => {
    let now = NOW;
    const grants = new SingleUseGrants(() => now, 2);
    grants.redeem(grant("a1"));
    grants.redeem(grant("b1", "b"));
    expect(grants.size).toBe(2);
    now += 61_000;
    expect(grants.redeem(grant("a2", "a", now / 1000 + 60))).toBe("redeemed");
    expect(grants.size).toBe(1);
  });
});
