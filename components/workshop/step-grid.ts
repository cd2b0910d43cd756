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

/**
 * Fewer learners than this on one step are not a crowd: one learner on a step is just where
 * that learner is, and with everyone on a different step (a tie of one each) no step is
 * where the room is stuck.
 */
export const STUCK_MIN_LEARNERS = 2;

/**
 * The step where the room is stuck: the one most learners are on, provided at least
 * STUCK_MIN_LEARNERS are on it; on a tie, the earliest in course order (the ones behind
 * are the ones to help first). Undefined when no step has that many.
 */
export function stuckStep(columns: StepColumn[], on: Map<string, number>): StepColumn | undefined {
  let best: StepColumn | undefined;
  let most = STUCK_MIN_LEARNERS - 1;
  for (const column of columns) {
    const here = on.get(column.key) ?? 0;
    if (here > most) {
      best = column;
      most = here;
    }
  }
  return best;
}
