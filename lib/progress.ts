/** The visitor's progress across the course, for server-rendered pages. */
import { cookies } from "next/headers";
import { webConfig } from "../shared/config";
import { passedSteps } from "../shared/db/progress";
import type { Lesson } from "../shared/lessons/loader";
import { readLearnerCookie } from "../shared/token";
import { db } from "./db";
import { LEARNER_COOKIE } from "./learner";

export interface LessonProgress {
  slug: string;
  title: string;
  passed: number;
  total: number;
}

export async function courseProgress(lessons: Lesson[]): Promise<LessonProgress[]> {
  const learner = readLearnerCookie((await cookies()).get(LEARNER_COOKIE)?.value, webConfig().DOJO_SECRET);
  const passed = learner ? await passedSteps(db(), learner) : new Map<string, Set<string>>();
  return lessons.map(({ meta }) => ({
    slug: meta.slug,
    title: meta.title,
    total: meta.steps.length,
    // Only steps the lesson still has count (a step may have been renamed since).
    passed: meta.steps.filter((step) => passed.get(meta.slug)?.has(step.id)).length,
  }));
}
