/**
 * Everything the benchmark must undo (child processes, containers), run in reverse order
 * at the end, on an error, and on Ctrl-C.
 */
export class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> | unknown }> = [];
  private running: Promise<void> | undefined;

  /** Registers a step; the returned function runs it now (once) and unregisters it. */
  add(what: string, run: () => Promise<unknown> | unknown): () => Promise<void> {
    const step = { what, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await step.run();
    };
  }

  /** Runs every registered step, newest first; a failing step does not stop the others. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.what} failed:`, error);
        }
      }
    })();
    return this.running;
  }
}
