import { hostname } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { capturedJsonLines } from "../shared/testing/captured-lines";
import { createLogger } from "./log";

afterEach(() => vi.restoreAllMocks());

describe("the web app's log", () => {
  it("json: one object per line, with the web app and its host on every line and the learner, lesson and agent of a placement", () => {
    const { stream, lines } = capturedJsonLines();
    const log = createLogger("json", undefined, stream);
    log.info("sandbox placed", { learner: "learner-0123456789abcdef", lesson: "start-here", agent: "node-2" });
    log.warn("placement skipped", { error: new TypeError("connection refused\n{\"level\":\"error\"}") });
    const [placed, skipped] = lines();
    expect(placed).toMatchObject({
      level: "info",
      msg: "sandbox placed",
      process: "web",
      host: hostname(),
      learner: "learner-0123456789abcdef",
      lesson: "start-here",
      agent: "node-2",
    });
    expect(new Date(placed!.time as string).toISOString()).toBe(placed!.time);
    // An error is its name and message, inside its own line.
    expect(skipped).toMatchObject({ level: "warn", process: "web", error: { name: "TypeError", message: "connection refused\n{\"level\":\"error\"}" } });
    expect(lines()).toHaveLength(2);
  });

  it("text: the service's `time level message {fields}` line on the console", () => {
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    createLogger("text").info("sandbox placed", { learner: "learner-0123456789abcdef", agent: "node-2" });
    expect(printed).toHaveBeenCalledWith(expect.stringMatching(/^\d{4}-\d\d-\d\dT\S+Z info sandbox placed \{"learner":"learner-0123456789abcdef","agent":"node-2"\}$/));
  });
});
