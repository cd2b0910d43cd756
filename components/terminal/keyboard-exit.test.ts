import { describe, expect, it } from "vitest";
import { KeyboardExit, type Key } from "./keyboard-exit";

const key = (name: string, extra: Partial<Key> = {}): Key => ({ type: "keydown", key: name, ctrlKey: false, altKey: false, metaKey: false, ...extra });

describe("KeyboardExit", () => {
  it("leaves on Tab right after Escape, with or without Shift held in between", () => {
    const exit = new KeyboardExit();
    expect(exit.leaves(key("Escape"))).toBe(false);
    expect(exit.leaves(key("Tab"))).toBe(true);
    expect(exit.leaves(key("Escape"))).toBe(false);
    expect(exit.leaves(key("Shift"))).toBe(false);
    expect(exit.leaves(key("Tab"))).toBe(true);
  });

  it("keeps Tab for the shell otherwise: alone, after another key, after a used-up Escape, or with Ctrl", () => {
    const exit = new KeyboardExit();
    expect(exit.leaves(key("Tab"))).toBe(false);
    exit.leaves(key("Escape"));
    exit.leaves(key("a"));
    expect(exit.leaves(key("Tab"))).toBe(false);
    exit.leaves(key("Escape"));
    expect(exit.leaves(key("Tab"))).toBe(true);
    expect(exit.leaves(key("Tab"))).toBe(false);
    exit.leaves(key("Escape"));
    expect(exit.leaves(key("Tab", { ctrlKey: true }))).toBe(false);
  });

  it("ignores key releases", () => {
    const exit = new KeyboardExit();
    exit.leaves(key("Escape"));
    exit.leaves({ ...key("Escape"), type: "keyup" });
    expect(exit.leaves(key("Tab"))).toBe(true);
  });
});
