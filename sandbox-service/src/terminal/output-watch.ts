/**
 * Watches what a shell prints for a phrase, as a read-only observer of its terminal (it
 * never counts for the terminal's size or pace).
 *
 * Used for what the service cannot learn from Docker: a write refused by the disk quota
 * shows up only as an error message in the learner's own programs. The bytes are the
 * sandbox's, so a learner can print the phrase on purpose; a match must only ever lead
 * to something harmless for the learner's own sandbox (a notice), never to a decision.
 */
import { randomBytes } from "node:crypto";
import type { Terminal } from "./terminal";

/**
 * Calls `onMatch` whenever the output contains one of `phrases` (ASCII, matched without
 * regard to case). A phrase split between two chunks is still found.
 */
export function watchOutput(terminal: Terminal, phrases: string[], onMatch: () => void): () => void {
  const wanted = phrases.map((phrase) => phrase.toLowerCase());
  const overlap = Math.max(...wanted.map((phrase) => phrase.length)) - 1;
  let tail = "";
  const id = `watch-${randomBytes(4).toString("hex")}`;
  terminal.observe({
    id,
    output(_offset, data) {
      // latin1 keeps one character per byte: cheap, and ASCII phrases match the same.
      const text = tail + data.toString("latin1").toLowerCase();
      if (wanted.some((phrase) => text.includes(phrase))) {
        tail = "";
        onMatch();
        return;
      }
      tail = text.slice(-overlap);
    },
    exited() {},
  });
  return () => terminal.unobserve(id);
}
