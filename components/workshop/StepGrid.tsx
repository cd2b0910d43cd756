/**
 * The dashboard as a picture: one row per learner, one column per step of the workshop's
 * lessons, each cell passed, current (the learner's next step in the lesson they are on)
 * or not yet; above the columns, a bar per step of how many passed it, and the step most
 * learners are on marked (once two or more are on it: step-grid.ts, stuckStep), so the
 * step where the room is stuck stands out at a glance.
 * It is a real table: a screen reader reads each cell with its learner and step, and each
 * bar as "N of M passed". Cells differ in shape as well as colour.
 */
import { memo } from "react";
import { stepKey, type DashboardCounts, type DashboardRow, type DashboardSnapshot } from "../../shared/protocol";
import { learnersOn, stepColumns, stuckStep } from "./step-grid";

type CellState = "passed" | "current" | "todo";

const CELL_TEXT: Record<CellState, string> = { passed: "passed", current: "on this step", todo: "not yet" };

// Memoised: the dashboard re-renders every few seconds for its "last activity" clock, and 100 learners × 43 steps is 4300 cells.
export const StepGrid = memo(function StepGrid({ lessons, rows, counts }: { lessons: DashboardSnapshot["lessons"]; rows: DashboardRow[]; counts: DashboardCounts | null }) {
  const columns = stepColumns(lessons);
  if (columns.length === 0) return null;
  const seats = counts?.seats ?? rows.length;
  const passedCount = new Map(counts?.steps.map((s) => [stepKey(s.lesson, s.step), s.passed]));
  const on = learnersOn(rows);
  const stuck = stuckStep(columns, on);
  const passedBy = new Map(rows.map((row) => [row.learnerId, new Set(row.passed)]));
  const state = (row: DashboardRow, key: string): CellState => (passedBy.get(row.learnerId)!.has(key) ? "passed" : row.currentStep === key ? "current" : "todo");

  return (
    <section className="step-grid-panel" aria-labelledby="step-grid-title" data-testid="step-grid">
      <h2 id="step-grid-title">Where everyone is</h2>
      <p data-testid="stuck-step">
        {stuck ? (
          <>
            Most learners are on <strong>“{stuck.title}”</strong> ({on.get(stuck.key)} of {seats}).
          </>
        ) : on.size > 0 ? (
          "No two learners are on the same step."
        ) : (
          "Nobody is on a step yet."
        )}
      </p>
      <p className="grid-legend" aria-hidden>
        <span className="cell-mark passed" /> passed <span className="cell-mark current" /> on it now <span className="cell-mark todo" /> not yet
      </p>
      <div className="step-grid-scroll" role="region" aria-label="Steps passed by each learner (scrolls)" tabIndex={0}>
        <table className="step-grid">
          <caption className="visually-hidden">Steps passed by each learner, with how many passed each step</caption>
          <thead>
            <tr>
              <td />
              {lessons.map((lesson) =>
                lesson.steps.length ? (
                  <th key={lesson.slug} scope="colgroup" colSpan={lesson.steps.length} className="grid-lesson" title={lesson.title}>
                    {lesson.title}
                  </th>
                ) : null,
              )}
            </tr>
            <tr>
              <th scope="col">Learner</th>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={`grid-step ${column === stuck ? "stuck" : ""}`} title={column.title}>
                  <span aria-hidden>{column.number}</span>
                  <span className="visually-hidden">{column.title}</span>
                </th>
              ))}
            </tr>
            <tr className="grid-bars">
              <th scope="row">Passed</th>
              {columns.map((column) => {
                const passed = passedCount.get(column.key) ?? 0;
                const here = on.get(column.key) ?? 0;
                return (
                  <td key={column.key} className={column === stuck ? "stuck" : ""} data-testid={`count-${column.lesson}-${column.step}`} data-passed={passed}>
                    <span className="grid-bar" aria-hidden>
                      <span className="grid-bar-fill" style={{ height: `${seats ? (100 * passed) / seats : 0}%` }} />
                    </span>
                    <span className="grid-bar-number" aria-hidden>
                      {passed}
                    </span>
                    <span className="visually-hidden">
                      {passed} of {seats} passed{here ? `, ${here} on it now` : ""}
                    </span>
                  </td>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.learnerId} data-testid="grid-row" data-learner={row.displayName}>
                <th scope="row">{row.displayName}</th>
                {columns.map((column) => {
                  const cell = state(row, column.key);
                  return (
                    <td key={column.key} className={`grid-cell ${column === stuck ? "stuck" : ""}`} data-state={cell}>
                      <span className={`cell-mark ${cell}`} aria-hidden />
                      <span className="visually-hidden">{CELL_TEXT[cell]}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});
