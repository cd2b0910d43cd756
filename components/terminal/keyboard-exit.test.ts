import { describe, expect, it } from "vitest";
import { KeyboardExit, type Key } from "./keyboard-exit";

const key = (name: string, extra: Partial<Key> = {}): Key => ({ type: "keydown", key: name, ctrlKey: false, altKey: false, metaKey: false, ...extra });

describe("KeyboardExit", () => {
  it("leaves on Tab right after Escape, with or without Shift held in between, and the Escape never reaches the shell", () => {
    const exit = new KeyboardExit();
    expect(exit.key(key("Escape"))).toEqual({ sendEscape: false, action: "hold" });
    expect(exit.key({ ...key("Escape"), type: "keyup" })).toEqual({ sendEscape: false, action: "hold" });
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "leave" });
    exit.key(key("Escape"));
    expect(exit.key(key("Shift"))).toEqual({ sendEscape: false, action: "pass" });
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "leave" });
    expect(exit.release()).toBe(false);
  });

  it("sends a held Escape just before any other key, so programs still get it (vim's Esc then :w)", () => {
    const exit = new KeyboardExit();
    exit.key(key("Escape"));
    expect(exit.key(key(":"))).toEqual({ sendEscape: true, action: "pass" });
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "pass" });
    exit.key(key("Escape"));
    expect(exit.key(key("Tab", { ctrlKey: true }))).toEqual({ sendEscape: true, action: "pass" });
  });

  it("sends the first of two Escapes and holds the second", () => {
    const exit = new KeyboardExit();
    exit.key(key("Escape"));
    expect(exit.key(key("Escape"))).toEqual({ sendEscape: true, action: "hold" });
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "leave" });
  });

  it("keeps Tab for the shell when no Escape came right before it", () => {
    const exit = new KeyboardExit();
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "pass" });
  });

  it("gives back a held Escape when the terminal loses the focus another way", () => {
    const exit = new KeyboardExit();
    exit.key(key("Escape"));
    expect(exit.release()).toBe(true);
    expect(exit.release()).toBe(false);
    expect(exit.key(key("Tab"))).toEqual({ sendEscape: false, action: "pass" });
  });
});
