/**
 * When the supervisor starts a crashed process again, and when it gives up. Pure logic
 * with an injectable clock: the supervisor reports crashes, the policy answers with a
 * delay, or with null when the process is failing for good.
 *
 * The delay doubles with each crash in the recent window, so a process that keeps dying
 * (a port taken, a broken build) is not restarted in a hot loop, while one crash after a
 * long quiet run is restarted at once: old crashes leave the window and stop counting.
 */
export interface RestartPolicyOptions {
  /** Delay before the first restart. */
  firstDelayMs: number;
  /** The doubling stops here. */
  maxDelayMs: number;
  /** More crashes than this within `windowMs` means the process fails for good. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  // A learner's terminal reconnects as soon as the service answers again: every second
  // here is a second of "Reconnecting…". Zero would restart a process that dies at once
  // (port still held by a dying predecessor) before the cause can clear.
  firstDelayMs: 1000,
  // Too long and a platform whose database came back minutes ago still waits; too short
  // and a process that cannot start floods the log and takes a core from the sandboxes.
  maxDelayMs: 30_000,
  // Six crashes in two minutes is a process that cannot run (bad build, bad settings):
  // the platform stops and says so rather than flapping forever. Too low and a few
  // unlucky crashes end a workshop; too high and a broken install flaps for minutes
  // before anyone reads why (with the delays above, 5 restarts take about 31 s).
  maxCrashes: 5,
  windowMs: 120_000,
};

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash: the delay before starting again, or null when the process fails for good. */
  crashed(): number | null {
    const now = this.now();
    this.crashes = this.crashes.filter((at) => now - at < this.options.windowMs);
    this.crashes.push(now);
    if (this.crashes.length > this.options.maxCrashes) return null;
    return Math.min(this.options.maxDelayMs, this.options.firstDelayMs * 2 ** (this.crashes.length - 1));
  }

  /** Crashes within the window, the last one included (for log lines). */
  get recentCrashes(): number {
    const now = this.now();
    return this.crashes.filter((at) => now - at < this.options.windowMs).length;
  }
}
