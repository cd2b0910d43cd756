/**
 * Which file a playground machine's editor shows (pure, so its rules are unit-tested). One
 * editor per machine: opening another file replaces the one shown, so it happens at once
 * only when nothing typed would be lost; with unsaved text the learner is asked first.
 */

/** What the file field holds before the learner types: where most playground work starts. */
export const DEFAULT_FILE = "~/Dockerfile";

export type OpenDecision =
  /** Show this file (the editor loads it from the machine). */
  | { kind: "open"; file: string }
  /** The editor holds unsaved text: ask before replacing it with this file. */
  | { kind: "ask"; file: string }
  /** Already shown: nothing to do (the editor's Reload loads it again). */
  | { kind: "shown" }
  | { kind: "empty"; message: string };

/**
 * `shown`: the file in the editor (null: none); `requested`: what the learner typed or the
 * page asked for; `unsaved`: whether the editor holds text not saved to the machine. The
 * path is not checked here: the service decides which paths the editor may reach and says
 * why not in a sentence the editor shows.
 */
export function decideOpen(shown: string | null, requested: string, unsaved: boolean): OpenDecision {
  const file = requested.trim();
  if (file === "") return { kind: "empty", message: `Name a file to open, such as ${DEFAULT_FILE}.` };
  if (file === shown) return { kind: "shown" };
  return unsaved ? { kind: "ask", file } : { kind: "open", file };
}

/** Where an example's file lands on node1: ~/<example>/<path>, the example's own folder. */
export function exampleFilePath(example: string, file: string): string {
  return `~/${example}/${file}`;
}
