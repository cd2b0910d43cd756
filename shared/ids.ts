/**
 * The shapes of the platform's ids, in one place: token claims, socket messages, lesson
 * frontmatter, routes and the container names that record a claim all use these.
 * Browser-safe.
 */
import { z } from "zod";
import { TEMPLATE_NAMES } from "./templates";

/** The longest lesson slug: a token's `lesson` claim, the sandbox-token route and the lesson loader all stop here. */
export const LESSON_SLUG_MAX = 64;

/** Unanchored, so that composite patterns (a container name holding a claim) can reuse them. */
export const ID_PATTERNS = {
  /** A learner: 16-40 URL-safe characters (lib/learner.ts makes 22 from 16 random bytes). */
  learner: "[A-Za-z0-9_-]{16,40}",
  /** A lesson's slug, its URL: the file name without its number (`03-containers.mdx` → containers). */
  lessonSlug: `[a-z0-9][a-z0-9-]{0,${LESSON_SLUG_MAX - 1}}`,
  /** A lesson step, as its frontmatter names it. */
  step: "[a-z0-9][a-z0-9-]{0,47}",
  /** A sandbox template's name: one of shared/templates.ts's list, so no other name passes. */
  template: `(?:${TEMPLATE_NAMES.join("|")})`,
  /** A machine of a playground or of a lesson with several machines: node1 … node99 (shared/playground.ts). */
  machine: "node[1-9][0-9]?",
  /** A sandbox agent (AGENT_ID): one sandbox service of one Docker engine. */
  agent: "[A-Za-z0-9][A-Za-z0-9._-]{0,62}",
} as const;

/** A pattern of ID_PATTERNS (or one built from them) matched against a whole string. */
export const whole = (pattern: string) => new RegExp(`^${pattern}$`);

export const learnerIdSchema = z.string().regex(whole(ID_PATTERNS.learner), "a learner id is 16-40 letters, digits, '-' or '_'");
export const lessonSlugSchema = z.string().regex(whole(ID_PATTERNS.lessonSlug), `a lesson is named by lowercase letters, digits and '-' (at most ${LESSON_SLUG_MAX})`);
export const stepIdSchema = z.string().regex(whole(ID_PATTERNS.step), "a step id is lowercase letters, digits and '-' (at most 48)");

export const agentIdSchema = z.string().regex(whole(ID_PATTERNS.agent), "letters, digits, '.', '_' and '-' (at most 63)");

export function isLessonSlug(value: string): boolean {
  return lessonSlugSchema.safeParse(value).success;
}
