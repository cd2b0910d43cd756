/** "2 of 4 steps" as a bar. */
export function ProgressBar({ passed, total }: { passed: number; total: number }) {
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={passed} data-testid="progress">
      <div className="progress-fill" style={{ width: `${total ? (100 * passed) / total : 0}%` }} />
      <span className="progress-label">
        {passed} of {total} steps
      </span>
    </div>
  );
}
