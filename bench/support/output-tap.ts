/**
 * What a benchmark client sees of one terminal: every output chunk goes through an
 * OutputTap, which counts bytes, remembers when output last arrived, and resolves a
 * pending `expect(pattern)` with the arrival time of the chunk that completed the pattern.
 * Each of the three systems measured (platform, floor, wetty) feeds one of these, so the
 * measuring code is the same for all.
 */

/** An open terminal of any of the measured systems. */
export interface BenchTerminal {
  readonly output: OutputTap;
  /** Keystrokes, as a browser would send them. */
  send(data: string): void;
  close(): void;
}

interface Waiter {
  pattern: string;
  /** Text seen since expect() was called, trimmed to what a match could still need. */
  seen: string;
  resolve(at: number): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A pending expectMatch(): the output since it was called, up to MATCH_WINDOW_CHARS. */
interface Matcher {
  regex: RegExp;
  seen: string;
  resolve(result: { at: number; match: RegExpExecArray }): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const MATCH_WINDOW_CHARS = 4096;

/** How much recent output is kept to explain a timeout. */
const HISTORY_CHARS = 600;

export class OutputTap {
  /** Output bytes received since the terminal opened. */
  bytes = 0;
  private lastAt = performance.now();
  private waiter: Waiter | undefined;
  private matcher: Matcher | undefined;
  private history = "";
  private ended: string | undefined;

  constructor(private readonly label: string) {}

  /** Called by the client for every output chunk, as soon as it arrives. */
  push(chunk: Uint8Array | string): void {
    const at = performance.now();
    this.lastAt = at;
    // latin1 maps bytes 1:1 to characters: cheap, and enough to find ASCII patterns.
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.history = (this.history + text.slice(-HISTORY_CHARS)).slice(-HISTORY_CHARS);
    if (this.matcher) this.match(this.matcher, text, at);
    const waiter = this.waiter;
    if (!waiter) return;
    const window = waiter.seen + text;
    if (window.includes(waiter.pattern)) {
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.resolve(at);
    } else {
      // Only a pattern split across chunks needs earlier text: keep its length minus one.
      waiter.seen = waiter.pattern.length > 1 ? window.slice(-(waiter.pattern.length - 1)) : "";
    }
  }

  private match(matcher: Matcher, text: string, at: number): void {
    matcher.seen = (matcher.seen + text).slice(-MATCH_WINDOW_CHARS);
    const match = matcher.regex.exec(matcher.seen);
    if (!match) return;
    this.matcher = undefined;
    clearTimeout(matcher.timer);
    matcher.resolve({ at, match });
  }

  /** The terminal closed: a pending expect() fails with this reason. */
  end(reason: string): void {
    this.ended ??= reason;
    const matcher = this.matcher;
    this.matcher = undefined;
    if (matcher) {
      clearTimeout(matcher.timer);
      matcher.reject(this.failure(`closed while waiting for output matching ${matcher.regex}: ${reason}`));
    }
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.reject(this.failure(`closed while waiting for ${JSON.stringify(waiter.pattern)}: ${reason}`));
    }
  }

  /**
   * Resolves with the performance.now() at which output containing `pattern` (counted from
   * this call on) arrived. Call it before sending what should produce the pattern.
   */
  expect(pattern: string, timeoutMs: number): Promise<number> {
    if (this.waiter) throw new Error(`${this.label}: already waiting for ${JSON.stringify(this.waiter.pattern)}`);
    if (this.ended) return Promise.reject(this.failure(`closed: ${this.ended}`));
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(this.failure(`no ${JSON.stringify(pattern)} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiter = { pattern, seen: "", resolve, reject, timer };
    });
  }

  /**
   * Like expect(), for output matching a regular expression (counted from this call on; up
   * to MATCH_WINDOW_CHARS of it): resolves with the arrival time of the chunk that completed
   * the match, and the match. Used where the text is not known in advance (a version number).
   */
  expectMatch(regex: RegExp, timeoutMs: number): Promise<{ at: number; match: RegExpExecArray }> {
    if (this.waiter || this.matcher) throw new Error(`${this.label}: already waiting for output`);
    if (this.ended) return Promise.reject(this.failure(`closed: ${this.ended}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.matcher = undefined;
        reject(this.failure(`no output matching ${regex} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.matcher = { regex, seen: "", resolve, reject, timer };
    });
  }

  /** Resolves once no output has arrived for `ms` (the shell sits at its prompt). */
  async quiet(ms: number, timeoutMs = 30_000): Promise<void> {
    const started = performance.now();
    for (;;) {
      const idle = performance.now() - this.lastAt;
      if (idle >= ms) return;
      if (performance.now() - started > timeoutMs) throw this.failure(`output did not stop for ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, ms - idle + 1));
    }
  }

  private failure(message: string): Error {
    return new Error(`${this.label}: ${message}; last output: ${JSON.stringify(this.history.slice(-200))}`);
  }
}
