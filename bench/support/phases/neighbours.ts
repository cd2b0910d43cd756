/**
 * Fair CPU: a well-behaved learner's keystroke echo while the sandbox next door runs a
 * fork bomb, and while it runs a CPU spinner, each against the same learner's echo with a
 * quiet neighbour. One service, one learner, one run: the machine is shared, so the
 * baseline is measured in the same run (before and after the noisy neighbours) and the
 * ratios are the figures.
 *
 * The neighbour keeps its page open (it stays attached), so the runaway guard leaves it
 * running: this measures what a busy learner who is *there* costs the others. A last
 * condition shows the guard: the neighbour starts a fork bomb and closes its page, and the
 * learner types once the service has frozen it (the phase's service has a short window,
 * RUNAWAY_WINDOW_SECONDS, and sweeps every SWEEP_SECONDS, instead of 60 s and 30 s).
 */
import os from "node:os";
import type { ContainerUsage } from "../../../sandbox-service/src/engine/engine";
import { connectDojoLearner, type DojoLearner } from "../../peers/dojo-client";
import type { BenchContext } from "../bench-context";
import { withService } from "../bench-context";
import { echoRoundTrips } from "../measure";
import { meterCpu, type CpuShare } from "../proc-cpu";
import { sleep, within } from "../timing";

export const FORK_BOMB = ":(){ :|:& };:";
/** One spinner per CPU: the most CPU a sandbox can take (its whole quota, spread over every core). */
export const SPINNER = "for i in $(seq $(nproc)); do (while :; do :; done) & done";

export type NeighbourCondition = "quiet, before" | "fork bomb" | "CPU spinner" | "fork bomb, left and frozen" | "quiet, after";

export interface ConditionFigures {
  condition: NeighbourCondition;
  /** The well-behaved learner's keystroke echo round trips, ms. */
  samplesMs: number[];
  /** CPU meanwhile, % of one core: this process (the clients), the service, the engine. */
  cpu: CpuShare;
  /** 1-minute load average when the measurement started and when it ended. */
  loadAverage: { start: number; end: number };
  /** The neighbour's sandbox meanwhile: processes at the end (of its limit) and CPUs used on average. */
  neighbour: { pids: number; pidsLimit: number | null; cpus: number } | null;
}

export interface NeighbourFigures {
  forkBomb: string;
  spinner: string;
  /** The phase's service: SANDBOX_RUNAWAY_WINDOW_SECONDS and SANDBOX_SWEEP_INTERVAL_SECONDS. */
  runawayWindowSeconds: number;
  sweepSeconds: number;
  /** "fork bomb, left and frozen": from the neighbour closing its page to its sandbox paused, ms. */
  frozenAfterMs: number | null;
  echoSamples: number;
  thinkMs: number;
  conditions: ConditionFigures[];
}

/** The fork bomb counts as raging from this fraction of its process limit (it hovers just under it). */
const BOMB_PIDS_FRACTION = 0.8;
const RAMP_TIMEOUT_MS = 60_000;
/**
 * The phase's service freezes an abandoned sandbox after this window, judged at sweeps this
 * far apart: short, so the frozen condition comes within seconds (production: 60 s and 30 s).
 */
const RUNAWAY_WINDOW_SECONDS = 4;
const SWEEP_SECONDS = 1;

const loadAverage = () => Math.round(os.loadavg()[0]! * 100) / 100;

export async function measureNeighbours(ctx: BenchContext): Promise<NeighbourFigures> {
  const { settings, engine } = ctx;
  const echo = { samples: settings.neighbourEchoSamples, thinkMs: settings.thinkMs };

  return withService(ctx, 0, async (service) => {
    const connect = () => connectDojoLearner({ url: service.url, secret: ctx.secret });
    const learner = await connect();
    const conditions: ConditionFigures[] = [];

    /** The learner types while the neighbour does what `start` made it do. */
    const measure = async (condition: NeighbourCondition, start: (neighbour: DojoLearner) => Promise<void>) => {
      const neighbour = await connect();
      try {
        await start(neighbour);
        ctx.progress(`neighbours: ${condition}: ${echo.samples} keystrokes (load average ${loadAverage()})`);
        const before = await engine.usage(neighbour.sandboxId);
        const load = loadAverage();
        const stopMeter = meterCpu(service.pid);
        const samplesMs = await echoRoundTrips(learner.terminal, echo);
        const cpu = stopMeter();
        const after = await engine.usage(neighbour.sandboxId);
        conditions.push({ condition, samplesMs, cpu, loadAverage: { start: load, end: loadAverage() }, neighbour: neighbourUse(before, after) });
      } finally {
        neighbour.terminal.close();
        // Removing it kills whatever it runs, so the next condition starts from a calm neighbour.
        await engine.remove(neighbour.sandboxId);
      }
    };

    const idle = async () => {};
    const bombRaging = (id: string) =>
      within(RAMP_TIMEOUT_MS, "waiting for the neighbour's fork bomb to reach its process limit", (async () => {
        for (;;) {
          const now = await engine.usage(id);
          if (!now) throw new Error("the neighbour's sandbox is gone");
          if (now.pidsLimit !== null && now.pids >= BOMB_PIDS_FRACTION * now.pidsLimit) return;
          await sleep(250);
        }
      })());

    let frozenAfterMs: number | null = null;
    try {
      await measure("quiet, before", idle);
      await measure("fork bomb", async (neighbour) => {
        neighbour.terminal.send(`${FORK_BOMB}\r`);
        await bombRaging(neighbour.sandboxId);
      });
      await measure("CPU spinner", async (neighbour) => {
        // The shell says when every spinner has started; how much CPU they got is in the figures.
        const started = neighbour.terminal.output.expect("spinners-started", RAMP_TIMEOUT_MS);
        neighbour.terminal.send(`${SPINNER}; echo spinners""-started\r`);
        await started;
      });
      await measure("fork bomb, left and frozen", async (neighbour) => {
        neighbour.terminal.send(`${FORK_BOMB}\r`);
        await bombRaging(neighbour.sandboxId);
        const left = performance.now();
        neighbour.terminal.close();
        await within(RAMP_TIMEOUT_MS, "waiting for the service to freeze the abandoned fork bomb", (async () => {
          while ((await engine.inspect(neighbour.sandboxId))?.state !== "paused") await sleep(250);
        })());
        frozenAfterMs = Math.round(performance.now() - left);
      });
      await measure("quiet, after", idle);
    } finally {
      learner.terminal.close();
    }
    return {
      forkBomb: FORK_BOMB,
      spinner: SPINNER,
      runawayWindowSeconds: RUNAWAY_WINDOW_SECONDS,
      sweepSeconds: SWEEP_SECONDS,
      frozenAfterMs,
      echoSamples: echo.samples,
      thinkMs: echo.thinkMs,
      conditions,
    };
  }, { runawayWindowSeconds: RUNAWAY_WINDOW_SECONDS, sweepIntervalSeconds: SWEEP_SECONDS });
}

function cpusUsed(from: ContainerUsage, to: ContainerUsage): number {
  return (to.cpuNanos - from.cpuNanos) / ((to.readAt - from.readAt) * 1e6);
}

function neighbourUse(before: ContainerUsage | null, after: ContainerUsage | null): ConditionFigures["neighbour"] {
  if (!before || !after) return null;
  return { pids: after.pids, pidsLimit: after.pidsLimit, cpus: Math.round(cpusUsed(before, after) * 100) / 100 };
}
