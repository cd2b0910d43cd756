/** The dashboard grid's arithmetic (StepGrid.tsx): its columns, who is on which step, and the step where the room is stuck. */
import { stepKey, type DashboardRow, type DashboardSnapshot } from "../../shared/protocol";

export interface StepColumn {
  key: string;
  lesson: string;
  step: string;
  title: string;
  /** 1-based within its lesson: the column's heading. */
  number: number;
}

export function stepColumns(lessons: DashboardSnapshot["lessons"]): StepColumn[] {
  return lessons.flatMap((lesson) => lesson.steps.map((step, i) => ({ key: stepKey(lesson.slug, step.id), lesson: lesson.slug, step: step.id, title: step.title, number: i + 1 })));
}

/** How many learners are on each step now (it is their current one). */
export function learnersOn(rows: DashboardRow[]): Map<string, number> {
  const on = new Map<string, number>();
  for (const row of rows) if (row.currentStep) on.set(row.currentStep, (on.get(row.currentStep) ?? 0) + 1);
  return on;
}

/** The step most learners are on (the earliest on a tie), if any learner is on one. */
export function stuckStep(columns: StepColumn[], on: Map<string, number>): StepColumn | undefined {
  let best: StepColumn | undefined;
  for (const column of columns) if ((on.get(column.key) ?? 0) > (best ? on.get(best.key)! : 0)) best = column;
  return best;
}
