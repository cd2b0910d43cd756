import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { compileMDX } from "next-mdx-remote/rsc";
import { LessonWorkspace } from "@/components/lesson/LessonWorkspace";
import { Check } from "@/components/lesson/Check";
import { Editor } from "@/components/lesson/Editor";
import { PortLink } from "@/components/lesson/PortLink";
import { Hint, Solution } from "@/components/lesson/Reveal";
import { Run } from "@/components/lesson/Run";
import { loadLessons } from "@/shared/lessons/loader";

// Only lessons that exist at build time have a page; any other slug is a 404.
export const dynamicParams = false;

export async function generateStaticParams() {
  return (await loadLessons()).map((lesson) => ({ slug: lesson.meta.slug }));
}

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const lesson = (await loadLessons()).find((l) => l.meta.slug === slug);
  return { title: lesson?.meta.title ?? "Lesson not found" };
}

export default async function LessonPage({ params }: Props) {
  const { slug } = await params;
  const lessons = await loadLessons();
  const index = lessons.findIndex((l) => l.meta.slug === slug);
  const lesson = lessons[index];
  if (!lesson) notFound();
  const previous = lessons[index - 1]?.meta;
  const next = lessons[index + 1]?.meta;

  const { content } = await compileMDX({
    source: lesson.body,
    components: { Run, PortLink, Check, Hint, Solution, Editor },
    // Lessons are our own content, reviewed like code: JSX expressions are allowed.
    options: { blockJS: false },
  });

  return (
    <LessonWorkspace lesson={slug} machines={lesson.meta.machines} steps={lesson.meta.steps.map(({ id, title, machine }) => ({ id, title, machine }))}>
      <p className="lesson-meta">
        Lesson {lesson.meta.order} · {lesson.meta.duration} min
      </p>
      <h1>{lesson.meta.title}</h1>
      {content}
      <nav className="lesson-nav">
        {previous ? <Link href={`/lessons/${previous.slug}`}>← {previous.title}</Link> : <span />}
        {next ? <Link href={`/lessons/${next.slug}`}>{next.title} →</Link> : <Link href="/">All lessons</Link>}
      </nav>
    </LessonWorkspace>
  );
}
