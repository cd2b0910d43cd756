import { describe, expect, it } from "vitest";
import { StatusAnnouncements } from "./status-announcements";

describe("StatusAnnouncements", () => {
  it("says connected once, then lost and back, and stays quiet for the states in between and for repeats", () => {
    const say = new StatusAnnouncements();
    expect(say.onStatus("connecting", "Connecting to your sandbox…")).toBeNull();
    expect(say.onStatus("starting", "Starting your sandbox…")).toBeNull();
    expect(say.onStatus("connected", "")).toBe("Connected: your terminal is ready.");
    expect(say.onStatus("connected", "")).toBeNull();
    expect(say.onStatus("reconnecting", "Connection lost. Reconnecting…")).toBe("Connection lost. Reconnecting…");
    expect(say.onStatus("reconnecting", "Connection lost. Reconnecting…")).toBeNull();
    expect(say.onStatus("connected", "")).toBe("Reconnected to your sandbox.");
    // A reset: "Resetting…", then connected to the fresh sandbox, which onSandbox announces.
    expect(say.onStatus("starting", "Resetting your sandbox…")).toBeNull();
    expect(say.onStatus("connected", "")).toBeNull();
  });

  it("says reconnected when a lost connection comes back through starting, as a reconnect does (it opens the sandbox again)", () => {
    const say = new StatusAnnouncements();
    say.onSandbox("a");
    expect(say.onStatus("connected", "")).toBe("Connected: your terminal is ready.");
    expect(say.onStatus("reconnecting", "Connection lost. Reconnecting…")).toBe("Connection lost. Reconnecting…");
    expect(say.onStatus("starting", "Starting your sandbox…")).toBeNull();
    expect(say.onSandbox("a")).toBeNull();
    expect(say.onStatus("connected", "")).toBe("Reconnected to your sandbox.");
    // Lost, and back in a new sandbox: the new sandbox is what is said, once.
    expect(say.onStatus("reconnecting", "Connection lost. Reconnecting…")).toBe("Connection lost. Reconnecting…");
    expect(say.onStatus("starting", "Starting your sandbox…")).toBeNull();
    expect(say.onSandbox("b")).toBe("Your sandbox was reset: this is a fresh one.");
    expect(say.onStatus("connected", "")).toBeNull();
  });

  it("says when the sandbox was replaced by a fresh one, not when the first one arrives or the same one comes back", () => {
    const say = new StatusAnnouncements();
    expect(say.onSandbox("a")).toBeNull();
    expect(say.onSandbox(null)).toBeNull();
    expect(say.onSandbox("a")).toBeNull();
    expect(say.onSandbox("b")).toBe("Your sandbox was reset: this is a fresh one.");
  });

  it("names the step that passed", () => {
    expect(new StatusAnnouncements().onStepPassed("Write a note")).toBe("Step passed: Write a note.");
  });
});
