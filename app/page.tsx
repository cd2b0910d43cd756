import Link from "next/link";
import { ProgressBar } from "@/components/lesson/ProgressBar";
import { courseProgress } from "@/lib/progress";
import { loadLessons } from "@/shared/lessons/loader";

// Shows this visitor's completion per lesson.
export const dynamic = "force-dynamic";

export default async function CatalogPage() {
  const lessons = await loadLessons();
  const progress = new Map((await courseProgress(lessons)).map((p) => [p.slug, p]));
  return (
    <main className="catalog">
      <h1>Learn Docker by doing it</h1>
      <p className="lead">Every lesson comes with a terminal into a disposable container of your own. Break anything: a reset gives you a fresh one.</p>
      <p>
        <Link href="/progress">My progress</Link>
      </p>
      <ol className="lesson-list">
        {lessons.map(({ meta }) => (
          <li key={meta.slug} className="lesson-card" data-testid="lesson-card">
            <Link href={`/lessons/${meta.slug}`}>
              <span className="lesson-number">{String(meta.order).padStart(2, "0")}</span>
              <span className="lesson-title">{meta.title}</span>
            </Link>
            <p>{meta.summary}</p>
            <span className="lesson-duration">{meta.duration} min</span>
            {(progress.get(meta.slug)?.passed ?? 0) > 0 && <ProgressBar passed={progress.get(meta.slug)!.passed} total={meta.steps.length} of={meta.title} />}
          </li>
        ))}
      </ol>
    </main>
  );
}
