/**
 * `npm run lint:lessons`: every lesson's file name and frontmatter are valid, and its MDX
 * body compiles the way the lesson page compiles it (a stray `<` or `{` in the text is
 * reported here with its line, not first by `next build`).
 */
import { serialize } from "next-mdx-remote/serialize";
import { loadLessons } from "../shared/lessons/loader";

try {
  const lessons = await loadLessons();
  for (const lesson of lessons) {
    try {
      // The same options as app/lessons/[slug]/page.tsx.
      await serialize(lesson.body, { blockJS: false }, true);
    } catch (error) {
      throw new Error(`${lesson.meta.file}: the MDX body does not compile (lines count from the end of the frontmatter): ${(error as Error).message}`, { cause: error });
    }
  }
  console.log(`${lessons.length} lessons OK: ${lessons.map((l) => l.meta.slug).join(", ")}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
