/**
 * Event-loop delay of this process: how long a timer that was due waited for the loop
 * (perf_hooks.monitorEventLoopDelay). A blocked loop (a synchronous wait, long CPU work)
 * delays everything the process does, including the timestamps it takes.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { LoopDelay } from "./service-ipc";

/** Starts measuring; take() returns the delay since the start or the previous take() and starts anew; stop() ends it. */
export function loopDelayMonitor(): { take(): LoopDelay; stop(): void } {
  // 10 ms: fine enough for the stalls that matter here, cheap enough to leave on.
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  // The histogram records whole intervals between its samples (10 ms when idle): the delay is what exceeds it.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - resolutionMs) * 10) / 10);
  return {
    take() {
      const delay = { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
      histogram.reset();
      return delay;
    },
    stop() {
      histogram.disable();
    },
  };
}
