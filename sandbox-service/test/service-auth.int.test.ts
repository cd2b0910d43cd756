/** Who may connect, and to which sandbox. */
import { afterAll, describe, expect, it } from "vitest";
import type { RunningService } from "../src/service";
import { containersOf, readyLearner, removeInstance, startService, testConfig, TestLearner, token } from "./support/harness";

const config = testConfig();
let service: RunningService;

afterAll(async () => {
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
});

async function refusal(auth: { token?: string }): Promise<string> {
  service ??= await startService(config);
  const learner = new TestLearner(service.port, auth);
  try {
    await learner.connected();
    return "connected";
  } catch (error) {
    return (error as Error).message;
  } finally {
    learner.close();
  }
}

describe("socket authentication", () => {
  it("refuses a socket without a token, with a forged one, or an expired one — and creates nothing", async () => {
    expect(await refusal({})).toMatch(/No sandbox token was sent/);
    expect(await refusal({ token: token({}, "another-secret-that-is-long-enough!!") })).toMatch(/not issued by this platform/);
    expect(await refusal({ token: token({ exp: Math.floor(Date.now() / 1000) - 1 }) })).toMatch(/expired/);
    expect(await refusal({ token: "garbage" })).toMatch(/not readable/);
    expect(await containersOf(config.DOJO_INSTANCE)).toEqual([]);
  });

  it("never lets a learner open another learner's sandbox", async () => {
    service ??= await startService(config);
    const alice = await readyLearner(service.port);
    const mallory = new TestLearner(service.port, { token: token() });
    await mallory.connected();
    const answer = await mallory.request("sandbox:open", { sandboxId: alice.sandbox.id });
    expect(answer).toEqual({ ok: false, error: { code: "forbidden", message: "That sandbox belongs to another learner." } });
    // Asking for nothing in particular gives Mallory a sandbox of her own.
    const own = await mallory.openSandbox();
    expect(own.id).not.toBe(alice.sandbox.id);
    // Typing before opening a terminal reaches nobody: the service refuses it...
    mallory.type("echo typed-by-mallory\r");
    await mallory.waitUntil(
      () => mallory.protocolErrors.find((e) => /terminal is not open/.test(e)),
      () => `protocol errors: ${JSON.stringify(mallory.protocolErrors)}`,
    );
    // ...and Alice's shell, which would have read it before this command, never saw it.
    expect(await alice.run("echo alice-$((2+2))")).toBe("alice-4");
    expect(alice.output).not.toContain("typed-by-mallory");
    alice.close();
    mallory.close();
  });
});
