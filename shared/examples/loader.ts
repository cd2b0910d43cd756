/**
 * The example gallery (/examples): one folder per example in the top-level examples/
 * folder, holding a Dockerfile, its files and a README.md whose frontmatter says what it
 * is and how to build, run and check it. A broken example throws an ExampleError naming
 * its folder and field (`npm run examples:test` fails first).
 *
 * Names come from the folder listing, never from a request: a page looks an example up by
 * name in this list (findExample), so `?example=../../etc` finds nothing rather than a path.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";
import { z } from "zod";

export const EXAMPLES_DIR = path.join(process.cwd(), "examples");

/** A folder name: what `/play?example=` names. */
export const EXAMPLE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Folders of examples/ that are not examples. */
const NOT_EXAMPLES = new Set(["test"]);
/**
 * Each file travels to the sandbox as one editor save (SANDBOX_FILE_MAX_BYTES, 1 MiB by
 * default): examples are small text files; more than this is a mistake, not an example.
 */
const MAX_FILE_BYTES = 64 * 1024;
const MAX_FILES = 20;

const command = z.string().trim().min(1).max(2000);
export const exampleFrontmatterSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    summary: z.string().trim().min(1).max(400),
    /** Typed into node1's terminal, in the example's folder. */
    build: command,
    run: command,
    /** A port the running example serves (the playground offers a link to it). */
    port: z.number().int().min(1).max(65535).optional(),
    /** bash in the sandbox (outside the nested containers): exit 0 once the example runs; otherwise one sentence. */
    check: z.string().trim().min(1).max(4000),
  })
  .strict();

export interface ExampleFile {
  /** Relative to the example's folder, '/'-separated. */
  path: string;
  content: string;
}

export interface Example {
  name: string;
  meta: z.infer<typeof exampleFrontmatterSchema>;
  /** The text below the frontmatter (Markdown). */
  body: string;
  /** Everything in the folder but README.md: the Dockerfile and its files. */
  files: ExampleFile[];
}

export class ExampleError extends Error {}

async function filesOf(dir: string, below = ""): Promise<ExampleFile[]> {
  const found: ExampleFile[] = [];
  for (const entry of (await readdir(/* turbopackIgnore: true */ path.join(dir, below), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = below ? `${below}/${entry.name}` : entry.name;
    if (relative === "README.md") continue;
    if (entry.isDirectory()) found.push(...(await filesOf(dir, relative)));
    else if (entry.isFile()) {
      const full = path.join(/* turbopackIgnore: true */ dir, relative);
      if ((await stat(full)).size > MAX_FILE_BYTES) throw new ExampleError(`examples/${path.basename(dir)}/${relative}: larger than ${MAX_FILE_BYTES} bytes`);
      found.push({ path: relative, content: await readFile(full, "utf8") });
    } else throw new ExampleError(`examples/${path.basename(dir)}/${relative}: only files and folders (no links)`);
  }
  return found;
}

export async function loadExample(name: string, dir = EXAMPLES_DIR): Promise<Example> {
  const folder = `examples/${name}`;
  if (!EXAMPLE_NAME.test(name)) throw new ExampleError(`${folder}: a folder name is lowercase letters, digits and '-'`);
  const full = path.join(/* turbopackIgnore: true */ dir, name);
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(await readFile(path.join(/* turbopackIgnore: true */ full, "README.md"), "utf8"));
  } catch (error) {
    throw new ExampleError(`${folder}/README.md: missing, or its frontmatter is not valid YAML (${(error as Error).message})`);
  }
  const result = exampleFrontmatterSchema.safeParse(parsed.data);
  if (!result.success) {
    throw new ExampleError(`${folder}/README.md: ${result.error.issues.map((i) => `field \`${i.path.join(".") || "(root)"}\`: ${i.message}`).join("; ")}`);
  }
  const files = await filesOf(full);
  if (!files.some((f) => f.path === "Dockerfile")) throw new ExampleError(`${folder}: no Dockerfile`);
  if (files.length > MAX_FILES) throw new ExampleError(`${folder}: more than ${MAX_FILES} files`);
  return { name, meta: result.data, body: parsed.content.trim(), files };
}

/** Every example, by name. Throws on the first broken one. */
export async function loadExamples(dir = EXAMPLES_DIR): Promise<Example[]> {
  const entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory() && !NOT_EXAMPLES.has(e.name)).map((e) => e.name).sort();
  return Promise.all(names.map((name) => loadExample(name, dir)));
}

/** The example called `name`, or undefined (for any string a visitor may send). */
export async function findExample(name: string, dir = EXAMPLES_DIR): Promise<Example | undefined> {
  if (!EXAMPLE_NAME.test(name)) return undefined;
  return (await loadExamples(dir)).find((example) => example.name === name);
}
