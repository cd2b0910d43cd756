/** The frontmatter every lesson must have. A lesson that does not match fails the build. */
import { z } from "zod";
import { stepIdSchema } from "../ids";
import { TEMPLATE_NAMES } from "../templates";

const stepSchema = z.object({
  id: stepIdSchema,
  title: z.string().min(3).max(120),
  /** Shell script run in the sandbox; exit status 0 means the step is done. */
  check: z.string().min(1),
  /** Shell script that does the step (lesson tests run it to prove the check can pass). */
  solve: z.string().min(1),
});

export const frontmatterSchema = z
  .object({
    title: z.string().min(3).max(100),
    summary: z.string().min(10).max(300),
    /** Minutes a learner needs. */
    duration: z.number().int().min(1).max(240),
    template: z.enum(TEMPLATE_NAMES),
    /** Images the lesson pulls inside the sandbox; a workshop's dashboard checks the platform registry has them. */
    images: z.array(z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]{1,128})?$/, "an image name like busybox or python:3")).default([]),
    steps: z.array(stepSchema).default([]),
  })
  .strict();

export type LessonFrontmatter = z.infer<typeof frontmatterSchema>;
export type LessonStep = z.infer<typeof stepSchema>;
