/** `npm run lint:lessons`: every lesson's file name and frontmatter are valid. */
import { loadLessons } from "../shared/lessons/loader";

try {
  const lessons = await loadLessons();
  console.log(`${lessons.length} lessons OK: ${lessons.map((l) => l.meta.slug).join(", ")}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
