/** The frontmatter every lesson must have. A lesson that does not match fails the build. */
import { z } from "zod";
import { stepIdSchema } from "../ids";
import { machineNameSchema } from "../playground";
import { TEMPLATE_NAMES } from "../templates";

/**
 * A script the lesson tests run: one shell script (on the step's machine), or, in a lesson
 * with several machines, parts run in order, each on the machine it names (start a
 * registry on node1, then push from node2).
 */
const scriptSchema = z.union([
  z.string().min(1),
  z.array(z.object({ machine: machineNameSchema, script: z.string().min(1) }).strict()).min(1),
]);

/**
 * Another way to act on a step, run by `npm run lessons:test` in a sandbox of its own where
 * the earlier steps' solve scripts already ran. Never shown to learners.
 */
const variantSchema = z
  .object({
    /** What it tries, in a few words: it names the test ("refuses: a log written by hand"). */
    name: z.string().min(3).max(120),
    /** Shell script, run like `solve`; it must succeed (a script that errors proves nothing). */
    script: scriptSchema,
    /** Run it on a fresh sandbox instead (the earlier steps not done): a cheat that skips the lesson. */
    fresh: z.boolean().default(false),
  })
  .strict();

const stepSchema = z
  .object({
    id: stepIdSchema,
    title: z.string().min(3).max(120),
    /** Shell script run in the sandbox; exit status 0 means the step is done. */
    check: z.string().min(1),
    /** In a lesson with several machines: the one the check runs on (and `solve` by default). */
    machine: machineNameSchema.default("node1"),
    /** Shell script that does the step (lesson tests run it to prove the check can pass). */
    solve: scriptSchema,
    /**
     * The earlier steps whose solve scripts set up what this step works on (a container it
     * looks at, an image it builds on); lesson tests replay only those, and what they need,
     * before this step's shortcuts and alternatives. Absent: every earlier step.
     */
    needs: z.array(z.string()).optional(),
    /**
     * What a learner might run to get the tick without the skill (a file written by hand, a
     * near miss, the wrong tool): the check must refuse each. At least one per step, so
     * every check has been tried as a learner in a hurry would try it.
     */
    shortcuts: z.array(variantSchema).min(1, "list at least one shortcut the check must refuse"),
    /** Other right answers (other flags, another tool, another order): the check must accept each. */
    alternatives: z.array(variantSchema).default([]),
  })
  .strict();

export const frontmatterSchema = z
  .object({
    title: z.string().min(3).max(100),
    summary: z.string().min(10).max(300),
    /** Minutes a learner needs. */
    duration: z.number().int().min(1).max(240),
    template: z.enum(TEMPLATE_NAMES),
    /**
     * Machines (node1 … nodeN, `docker` sandboxes on a private network of the learner's
     * own, like the playground's) the lesson gives each learner; 1 is an ordinary lesson.
     * At most PLAYGROUND_MAX_MACHINES (the loader checks).
     */
    machines: z.number().int().min(1).max(99).default(1),
    /** Images the lesson pulls inside the sandbox; a workshop's dashboard checks the platform registry has them. */
    images: z.array(z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]{1,128})?$/, "an image name like busybox or python:3")).default([]),
    steps: z.array(stepSchema).default([]),
  })
  .strict();

export type LessonFrontmatter = z.infer<typeof frontmatterSchema>;
export type LessonStep = z.infer<typeof stepSchema>;
export type StepVariant = z.infer<typeof variantSchema>;
export type LessonScript = z.infer<typeof scriptSchema>;

/** A script as the parts to run in order, each with its machine (a plain script runs on `machine`). */
export function scriptParts(script: LessonScript, machine: string): { machine: string; script: string }[] {
  return typeof script === "string" ? [{ machine, script }] : script;
}
