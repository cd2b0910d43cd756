/**
 * The keyboard way out of the terminal. xterm.js takes Tab (the shell needs it for
 * completion), so Tab alone can never leave it; as in web code editors, Escape then Tab
 * does (Shift+Tab: backwards). The Escape is held back until the next key: sent just
 * before it when that key is anything but Tab, never sent when it is Tab. Sending it at
 * once would leave bash with a half-typed Meta prefix, so the first key typed after
 * coming back would turn into an Alt-key command. The cost: a program waiting for a lone
 * Escape (vim leaving insert mode) sees it with the next key, or when the terminal loses
 * the focus. No timer: a learner who presses keys slowly must still be able to leave.
 */

/** The part of a keyboard event this needs (xterm hands its key handler a KeyboardEvent). */
export interface Key {
  type: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** What to do with a key: `sendEscape` first sends the Escape held back; then `leave` (let the browser move the focus), `hold` (give xterm nothing) or `pass` (xterm handles it). */
export interface ExitDecision {
  sendEscape: boolean;
  action: "leave" | "hold" | "pass";
}

const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta"]);
const plain = (event: Key) => !event.ctrlKey && !event.altKey && !event.metaKey;

export class KeyboardExit {
  private holding = false;

  /** Decides for every key event the terminal gets (keydown, keypress, keyup). */
  key(event: Key): ExitDecision {
    if (event.type !== "keydown") return { sendEscape: false, action: event.key === "Escape" ? "hold" : "pass" };
    if (MODIFIERS.has(event.key)) return { sendEscape: false, action: "pass" };
    const held = this.holding;
    if (held && event.key === "Tab" && plain(event)) {
      this.holding = false;
      return { sendEscape: false, action: "leave" };
    }
    this.holding = event.key === "Escape" && plain(event);
    return { sendEscape: held, action: this.holding ? "hold" : "pass" };
  }

  /** The terminal lost the focus some other way: true when an Escape was held back and must be sent now. */
  release(): boolean {
    const held = this.holding;
    this.holding = false;
    return held;
  }
}
