/**
 * Reads lessons from the top-level lessons/ folder: `NN-slug.mdx`, where NN orders the
 * course and slug is the URL. Frontmatter is validated; a broken lesson throws a
 * LessonError naming its file and field, which fails `next build` and `npm run lint:lessons`.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";
import { playgroundMaxMachinesSchema } from "../config";
import { machineLesson, machineNameSchema, machineNumber, isReservedSlug } from "../playground";
import { ID_PATTERNS, LESSON_SLUG_MAX, isLessonSlug, whole } from "../ids";
import { frontmatterSchema, scriptParts, type LessonFrontmatter, type LessonStep } from "./schema";

export const LESSONS_DIR = path.join(process.cwd(), "lessons");

/** `NN-slug.mdx`; the slug is a lesson slug of ids.ts, so every lesson the loader accepts can be asked for a token. */
const FILE_NAME = whole(`(\\d{2})-(${ID_PATTERNS.lessonSlug})\\.mdx`);

export interface LessonMeta extends LessonFrontmatter {
  slug: string;
  order: number;
  /** Path relative to the project, for error messages. */
  file: string;
}

export interface Lesson {
  meta: LessonMeta;
  /** MDX body without the frontmatter. */
  body: string;
}

export class LessonError extends Error {}

/**
 * The machines a lesson may name: 1..`machines`, which needs the `docker` template (machines
 * are `docker` sandboxes on a network) and fits the platform's PLAYGROUND_MAX_MACHINES.
 */
function checkMachines(file: string, slug: string, meta: LessonFrontmatter, body: string, maxMachines: number): void {
  if (meta.machines > 1 && meta.template !== "docker") {
    throw new LessonError(`${file}: field \`machines\`: several machines need \`template: docker\` (machines are docker sandboxes on a network)`);
  }
  if (meta.machines > maxMachines) {
    throw new LessonError(`${file}: field \`machines\`: ${meta.machines} is more than the platform gives (PLAYGROUND_MAX_MACHINES=${maxMachines})`);
  }
  if (meta.machines > 1 && !isLessonSlug(machineLesson(`node${meta.machines}`, slug))) {
    throw new LessonError(`${file}: the slug "${slug}" is too long for a lesson with machines (its machines are named ${slug}-node1…)`);
  }
  const beyond = (machine: string) => machineNumber(machine) > meta.machines;
  const named = meta.machines === 1 ? "This lesson has one machine (node1); add `machines:` to ask for more" : `This lesson has machines node1 to node${meta.machines}`;
  for (const step of meta.steps) {
    const scripts = [step.solve, ...[...step.shortcuts, ...step.alternatives].map((v) => v.script)];
    const machines = [step.machine, ...scripts.flatMap((script) => scriptParts(script, step.machine).map((part) => part.machine))];
    const wrong = machines.find(beyond);
    if (wrong) throw new LessonError(`${file}: step "${step.id}" names ${wrong}. ${named}.`);
  }
  for (const [, component, machine] of body.matchAll(/<(Run|Editor|PortLink)\b[^>]*\bmachine="([^"]*)"/g)) {
    if (!machineNameSchema.safeParse(machine).success || beyond(machine!)) throw new LessonError(`${file}: <${component} machine="${machine}"> names no machine of this lesson. ${named}.`);
  }
}

export function parseLesson(fileName: string, source: string, maxMachines = playgroundMaxMachinesSchema.parse(process.env.PLAYGROUND_MAX_MACHINES)): Lesson {
  const file = `lessons/${fileName}`;
  const name = FILE_NAME.exec(fileName);
  if (!name) {
    // The slug part of a name that is otherwise right, for a sentence about its length.
    const slug = /^\d{2}-(.*)\.mdx$/.exec(fileName)?.[1] ?? "";
    const length = slug.length > LESSON_SLUG_MAX ? `; "${slug}" has ${slug.length} characters` : "";
    throw new LessonError(
      `${file}: file name must look like NN-slug.mdx (two digits, then lowercase words joined by '-', at most ${LESSON_SLUG_MAX} characters)${length}`,
    );
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source);
  } catch (error) {
    throw new LessonError(`${file}: frontmatter is not valid YAML (${(error as Error).message})`);
  }
  const result = frontmatterSchema.safeParse(parsed.data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `field \`${i.path.join(".") || "(root)"}\`: ${i.message}`);
    throw new LessonError(`${file}: ${problems.join("; ")}`);
  }
  const ids = result.data.steps.map((s) => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new LessonError(`${file}: field \`steps\`: step id "${duplicate}" is used twice`);
  for (const [index, step] of result.data.steps.entries()) {
    const earlier = ids.slice(0, index);
    const unknown = step.needs?.find((id) => !earlier.includes(id));
    if (unknown !== undefined) throw new LessonError(`${file}: step "${step.id}": field \`needs\` names "${unknown}", which is not an earlier step`);
    // Variant names name the lesson tests, so a repeated one would hide a test.
    const names = [...step.shortcuts, ...step.alternatives].map((v) => v.name);
    const again = names.find((n, i) => names.indexOf(n) !== i);
    if (again) throw new LessonError(`${file}: step "${step.id}": the shortcut or alternative name "${again}" is used twice`);
  }
  for (const [, step] of parsed.content.matchAll(/<Check\s+step="([^"]*)"/g)) {
    if (!ids.includes(step!)) throw new LessonError(`${file}: <Check step="${step}"> names no step of this lesson's \`steps\``);
  }
  if (isReservedSlug(name[2]!)) throw new LessonError(`${file}: the slug "${name[2]}" is the playground's (/play) or a machine's (…-node2); pick another file name`);
  checkMachines(file, name[2]!, result.data, parsed.content, maxMachines);
  return { meta: { ...result.data, slug: name[2]!, order: Number(name[1]), file }, body: parsed.content };
}

/** Every lesson, in course order. Throws on the first broken one. */
export async function loadLessons(dir = LESSONS_DIR): Promise<Lesson[]> {
  // Lessons are read at build and request time from the project folder, not bundled.
  const files = (await readdir(/* turbopackIgnore: true */ dir)).filter((f) => f.endsWith(".mdx")).sort();
  const lessons = await Promise.all(files.map(async (f) => parseLesson(f, await readFile(path.join(/* turbopackIgnore: true */ dir, f), "utf8"))));
  const slugs = lessons.map((l) => l.meta.slug);
  const duplicate = slugs.find((s, i) => slugs.indexOf(s) !== i);
  if (duplicate) throw new LessonError(`lessons/: two lessons use the slug "${duplicate}"`);
  return lessons.sort((a, b) => a.meta.order - b.meta.order);
}

/**
 * The indexes of the steps whose solve scripts must run before `steps[index]` is tried on
 * its own: what it `needs`, and what those need, in lesson order (every earlier step when
 * `needs` is absent).
 */
export function stepsNeededBefore(steps: readonly LessonStep[], index: number): number[] {
  const needed = new Set<number>();
  const visit = (i: number) => {
    const needs = steps[i]!.needs;
    const before = needs === undefined ? steps.slice(0, i).map((_, j) => j) : needs.map((id) => steps.findIndex((s) => s.id === id));
    for (const j of before) {
      if (!needed.has(j)) {
        needed.add(j);
        visit(j);
      }
    }
  };
  visit(index);
  return [...needed].sort((a, b) => a - b);
}

export async function findLesson(slug: string, dir = LESSONS_DIR): Promise<Lesson | undefined> {
  return (await loadLessons(dir)).find((l) => l.meta.slug === slug);
}
