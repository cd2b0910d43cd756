/**
 * Runs parts of a benchmark so that one failing part is recorded and reported while the
 * others still run: `attempt(name, work)` gives the result, or null after a failure.
 */
export function attempts(progress: (message: string) => void, label = "") {
  const errors: string[] = [];
  const attempt = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${name}: ${message}`);
      progress(`FAILED ${label}${name}: ${message}`);
      return null;
    }
  };
  return { errors, attempt };
}
