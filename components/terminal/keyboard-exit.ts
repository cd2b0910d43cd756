/**
 * The keyboard way out of the terminal. xterm.js takes Tab (the shell needs it for
 * completion), so Tab alone can never leave it; as in web code editors, Escape then Tab
 * does: the Escape still reaches the program (vim needs it at once), and the Tab right
 * after it moves the focus instead of reaching the shell (Shift+Tab: backwards).
 */

/** The part of a keyboard event this needs (xterm hands its key handler a KeyboardEvent). */
export interface Key {
  type: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta"]);

export class KeyboardExit {
  private afterEscape = false;

  /** Sees every key event the terminal gets; true when this one leaves the terminal (the terminal must ignore it and let the browser move focus). */
  leaves(event: Key): boolean {
    if (event.type !== "keydown" || MODIFIERS.has(event.key)) return false;
    const leaving = this.afterEscape && event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey;
    this.afterEscape = event.key === "Escape";
    return leaving;
  }
}
