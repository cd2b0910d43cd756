/**
 * The shapes of the platform's ids, in one place: token claims, socket messages, lesson
 * frontmatter, routes and the container names that record a claim all use these.
 * Browser-safe.
 */
import { z } from "zod";

/** Unanchored, so that composite patterns (a container name holding a claim) can reuse them. */
export const ID_PATTERNS = {
  /** A learner: 16-40 URL-safe characters (lib/learner.ts makes 22 from 16 random bytes). */
  learner: "[A-Za-z0-9_-]{16,40}",
  /** A lesson's slug, its URL: the file name without its number (`03-containers.mdx` → containers). */
  lessonSlug: "[a-z0-9][a-z0-9-]{0,63}",
  /** A lesson step, as its frontmatter names it. */
  step: "[a-z0-9][a-z0-9-]{0,47}",
  /** A sandbox template's name (shared/templates.ts lists them). */
  template: "[a-z][a-z0-9-]{0,31}",
  /** A sandbox agent (AGENT_ID): one sandbox service of one Docker engine. */
  agent: "[A-Za-z0-9][A-Za-z0-9._-]{0,62}",
} as const;

const whole = (pattern: string) => new RegExp(`^${pattern}$`);

export const learnerIdSchema = z.string().regex(whole(ID_PATTERNS.learner), "a learner id is 16-40 letters, digits, '-' or '_'");
export const lessonSlugSchema = z.string().regex(whole(ID_PATTERNS.lessonSlug), "a lesson is named by lowercase letters, digits and '-'");
export const stepIdSchema = z.string().regex(whole(ID_PATTERNS.step), "a step id is lowercase letters, digits and '-' (at most 48)");

export const agentIdSchema = z.string().regex(whole(ID_PATTERNS.agent), "letters, digits, '.', '_' and '-' (at most 63)");

export function isLessonSlug(value: string): boolean {
  return lessonSlugSchema.safeParse(value).success;
}
