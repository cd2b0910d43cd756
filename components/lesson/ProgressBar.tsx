/** "2 of 4 steps" as a bar, named for screen readers after what it measures (`of`: a lesson's title, on pages listing several). */
export function ProgressBar({ passed, total, of }: { passed: number; total: number; of?: string }) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={of ? `Steps passed in “${of}”` : "Steps passed in this lesson"}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={passed}
      aria-valuetext={`${passed} of ${total} steps`}
      data-testid="progress"
    >
      <div className="progress-fill" style={{ width: `${total ? (100 * passed) / total : 0}%` }} />
      <span className="progress-label" aria-hidden>
        {passed} of {total} steps
      </span>
    </div>
  );
}
