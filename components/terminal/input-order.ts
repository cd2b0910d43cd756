/**
 * Keeps what the learner types and pastes in the order they did it. A right-click paste
 * must read the clipboard first, which is asynchronous and, on a busy machine, slow: keys
 * pressed meanwhile (a quick Enter after right-click, as in PuTTY) would otherwise reach
 * the shell before the pasted text, running an empty line and leaving the paste unrun.
 */
export class InputOrder {
  /** Actions not run yet, oldest first; `run` is missing while its input is not ready. */
  private readonly queue: { run?: () => void }[] = [];
  private running = false;

  /** Input ready now (a key, a native paste): runs at once unless earlier input is still on its way. */
  now(run: () => void): void {
    // While a late action runs, what it produces (term.paste feeding onData) is that action's own input.
    if (this.running || this.queue.length === 0) return run();
    this.queue.push({ run });
  }

  /** Input that is ready once `ready` settles; later input waits for it. */
  later<T>(ready: Promise<T>, run: (value: T) => void, failed: (error: unknown) => void): void {
    const slot: { run?: () => void } = {};
    this.queue.push(slot);
    ready.then(
      (value) => (slot.run = () => run(value)),
      (error: unknown) => (slot.run = () => failed(error)),
    ).then(() => this.flush());
  }

  private flush(): void {
    while (this.queue[0]?.run) {
      const { run } = this.queue.shift()!;
      this.running = true;
      try {
        run!();
      } catch (error) {
        // One failing action must not hold back the input after it (the queue would never drain).
        queueMicrotask(() => {
          throw error;
        });
      } finally {
        this.running = false;
      }
    }
  }
}
