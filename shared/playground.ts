/**
 * The playground (/play): a session with no lesson, of up to PLAYGROUND_MAX_MACHINES
 * `docker` sandboxes ("machines") named node1, node2… that share a private network of
 * their own. Browser-safe; both the web app and the service use it.
 *
 * How a playground is identified: the web signs a token for the reserved lesson slug
 * "play" (template `docker`), so placement puts every machine of one learner's session on
 * the same agent (one engine, one network). On the service, machine N of a learner is the
 * sandbox of the pseudo-lesson "play-nodeN": the ownership, timers, container name and
 * re-adoption after a restart of lesson sandboxes apply unchanged, one per machine. No
 * lesson file may use these slugs (shared/lessons/loader.ts refuses them).
 *
 * A lesson with `machines: N` in its frontmatter (N > 1) is a session of the same kind:
 * machine M of a learner's lesson "registries" is the sandbox of "registries-nodeM", on a
 * private network per learner and lesson. So every lesson slug ending in -nodeN is reserved.
 */
import { z } from "zod";
import { ID_PATTERNS, whole } from "./ids";

export const PLAYGROUND_LESSON = "play";
export const PLAYGROUND_TEMPLATE = "docker" as const;

/** node1 … node99 (ID_PATTERNS.machine); the service refuses numbers above PLAYGROUND_MAX_MACHINES. */
const MACHINE = whole(ID_PATTERNS.machine);
/** "<session>-nodeN": the session is "play" or a lesson's slug. */
const MACHINE_LESSON = whole(`(${ID_PATTERNS.lessonSlug})-(${ID_PATTERNS.machine})`);

export const machineNameSchema = z.string().regex(MACHINE, "a machine is named node1, node2, … (node and a number from 1 to 99)");

/** The pseudo-lesson that owns machine `machine` of a learner's session: the playground, or a multi-machine lesson. */
export function machineLesson(machine: string, session: string = PLAYGROUND_LESSON): string {
  return `${session}-${machine}`;
}

/** The machine a lesson slug stands for ("play-node2", "registries-node2" → "node2"), or null for a one-sandbox lesson. */
export function machineOf(lesson: string): string | null {
  return MACHINE_LESSON.exec(lesson)?.[2] ?? null;
}

/** The session a sandbox's lesson belongs to: "play-node2" → "play", "registries-node2" → "registries", "images" → "images". */
export function sessionOf(lesson: string): string {
  return MACHINE_LESSON.exec(lesson)?.[1] ?? lesson;
}

/** node3 → 3; NaN for what is no machine's name. */
export function machineNumber(machine: string): number {
  return MACHINE.test(machine) ? Number(machine.slice("node".length)) : NaN;
}

/** Whether a lesson file may use this slug: the playground's, and every machine's (…-nodeN), are reserved. */
export function isReservedSlug(slug: string): boolean {
  return slug === PLAYGROUND_LESSON || slug.startsWith(`${PLAYGROUND_LESSON}-`) || MACHINE_LESSON.test(slug);
}

/** The lowest machine name not in `taken` (what "Add machine" creates next), or null when all `max` are taken. */
export function nextMachine(taken: readonly string[], max: number): string | null {
  for (let n = 1; n <= max; n++) if (!taken.includes(`node${n}`)) return `node${n}`;
  return null;
}
