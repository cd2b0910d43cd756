import Link from "next/link";
import { loadLessons } from "@/lib/lessons/loader";

export default async function CatalogPage() {
  const lessons = await loadLessons();
  return (
    <main className="catalog">
      <h1>Learn Docker by doing it</h1>
      <p className="lead">Every lesson comes with a terminal into a disposable container of your own. Break anything: a reset gives you a fresh one.</p>
      <ol className="lesson-list">
        {lessons.map(({ meta }) => (
          <li key={meta.slug} className="lesson-card" data-testid="lesson-card">
            <Link href={`/lessons/${meta.slug}`}>
              <span className="lesson-number">{String(meta.order).padStart(2, "0")}</span>
              <span className="lesson-title">{meta.title}</span>
            </Link>
            <p>{meta.summary}</p>
            <span className="lesson-duration">{meta.duration} min</span>
          </li>
        ))}
      </ol>
    </main>
  );
}
