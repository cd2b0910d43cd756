import { describe, expect, it } from "vitest";
import { capturedJsonLines } from "../../../shared/testing/captured-lines";
import { jsonLogger } from "./logger";

describe("jsonLogger", () => {
  it("writes one JSON object per event, with the agent on every line and errors as their name and message", () => {
    const { stream, lines } = capturedJsonLines();
    const log = jsonLogger({ agent: "node-2" }, stream);
    log.info("sandbox created", { sandbox: "3fa2c1d4e5f6", learner: "learner-0123456789abcdef" });
    log.warn("could not report", { error: new TypeError("socket hang up\n{\"level\":\"error\"}") });
    log.error("plain");
    const [created, warned, plain] = lines();
    expect(created).toMatchObject({ level: "info", msg: "sandbox created", agent: "node-2", sandbox: "3fa2c1d4e5f6", learner: "learner-0123456789abcdef" });
    expect(new Date(created!.time as string).toISOString()).toBe(created!.time);
    // A message holding a newline and JSON of its own stays inside its line's field.
    expect(warned).toMatchObject({ level: "warn", agent: "node-2", error: { name: "TypeError", message: "socket hang up\n{\"level\":\"error\"}" } });
    expect(plain).toMatchObject({ level: "error", msg: "plain", agent: "node-2" });
    expect(lines()).toHaveLength(3);
  });
});
