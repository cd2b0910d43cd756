import type { Metadata } from "next";
import Link from "next/link";
import { ProgressBar } from "@/components/lesson/ProgressBar";
import { courseProgress } from "@/lib/progress";
import { loadLessons } from "@/shared/lessons/loader";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My progress" };

export default async function ProgressPage() {
  const progress = await courseProgress(await loadLessons());
  const stepsDone = progress.reduce((n, l) => n + l.passed, 0);
  const stepsTotal = progress.reduce((n, l) => n + l.total, 0);
  const lessonsDone = progress.filter((l) => l.total > 0 && l.passed === l.total).length;
  const resume = progress.find((l) => l.passed < l.total);
  return (
    <main className="catalog" data-testid="progress-page">
      <h1>My progress</h1>
      <p className="lead">
        {lessonsDone} of {progress.length} lessons done · {stepsDone} of {stepsTotal} steps passed
      </p>
      {resume ? (
        <p>
          <Link className="button" href={`/lessons/${resume.slug}`}>
            {stepsDone === 0 ? "Start" : "Resume"} with “{resume.title}” →
          </Link>
        </p>
      ) : (
        <p>You have passed every step of the course. Well done!</p>
      )}
      <ol className="lesson-list">
        {progress.map((lesson) => (
          <li key={lesson.slug} className="lesson-card">
            <Link href={`/lessons/${lesson.slug}`}>{lesson.title}</Link>
            <ProgressBar passed={lesson.passed} total={lesson.total} of={lesson.title} />
          </li>
        ))}
      </ol>
    </main>
  );
}

