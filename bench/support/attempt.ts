/**
 * Runs parts of a benchmark so that one failing part is recorded and reported while the
 * others still run: `attempt(name, work)` gives the result, or null after a failure.
 * Each part's wall-clock seconds are kept in `seconds` (by name) and printed as it ends,
 * so a run shows where its minutes went (issue 14: the whole `npm run bench` in 15).
 */
export function attempts(progress: (message: string) => void, label = "") {
  const errors: string[] = [];
  const seconds: Record<string, number> = {};
  const attempt = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    const started = performance.now();
    const took = () => {
      seconds[name] = Math.round((performance.now() - started) / 100) / 10;
      return seconds[name];
    };
    try {
      const result = await work();
      progress(`${label}${name}: ${took()} s`);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${name}: ${message}`);
      progress(`FAILED ${label}${name} after ${took()} s: ${message}`);
      return null;
    }
  };
  return { errors, seconds, attempt };
}
