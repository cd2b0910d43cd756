/**
 * Fair CPU: a well-behaved learner's keystroke echo while the sandbox next door runs a
 * fork bomb, and while it runs a CPU spinner, each against the same learner's echo with a
 * quiet neighbour. One service, one learner, one run: the machine is shared, so the
 * baseline is measured in the same run, and in rounds (each condition's keystrokes come in
 * a block per round, the conditions taking turns) so that a spell of other work on the
 * machine weighs on every condition alike. The ratios are the figures.
 *
 * The neighbour keeps its page open (it stays attached), so the runaway guard leaves it
 * running: this measures what a busy learner who is *there* costs the others. A last
 * condition shows the guard: a neighbour started a fork bomb and closed its page before the
 * rounds, and the service froze it (the phase's service has a short window,
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

export const CONDITIONS = ["quiet", "fork bomb", "CPU spinner", "fork bomb, left and frozen"] as const;
export type NeighbourCondition = (typeof CONDITIONS)[number];

/** One condition's keystrokes of one round. */
export interface ConditionBlock {
  round: number;
  /** The well-behaved learner's keystroke echo round trips, ms. */
  samplesMs: number[];
  /** CPU meanwhile, % of one core: this process (the clients), the service, the engine. */
  cpu: CpuShare;
  /** 1-minute load average when the block started and when it ended. */
  loadAverage: { start: number; end: number };
  /** The neighbour's sandbox meanwhile: processes at the end (of its limit) and CPUs used on average. */
  neighbour: { pids: number; pidsLimit: number | null; cpus: number } | null;
}

export interface ConditionFigures {
  condition: NeighbourCondition;
  blocks: ConditionBlock[];
}

export interface NeighbourFigures {
  forkBomb: string;
  spinner: string;
  /** The phase's service: SANDBOX_RUNAWAY_WINDOW_SECONDS and SANDBOX_SWEEP_INTERVAL_SECONDS. */
  runawayWindowSeconds: number;
  sweepSeconds: number;
  /** "fork bomb, left and frozen": from the neighbour closing its page to its sandbox paused, ms. */
  frozenAfterMs: number;
  rounds: number;
  /** Keystrokes per condition, over all rounds. */
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
  const rounds = settings.neighbourRounds;
  const echo = { samples: Math.ceil(settings.neighbourEchoSamples / rounds), thinkMs: settings.thinkMs };

  return withService(
    ctx,
    0,
    async (service) => {
      const connect = () => connectDojoLearner({ url: service.url, secret: ctx.secret });
      const learner = await connect();
      const conditions: ConditionFigures[] = CONDITIONS.map((condition) => ({ condition, blocks: [] }));
      /** Sandboxes of neighbours to remove at the end. */
      const neighbours: DojoLearner[] = [];
      const neighbour = async () => {
        const next = await connect();
        neighbours.push(next);
        return next;
      };

      const bombRaging = (id: string) =>
        within(RAMP_TIMEOUT_MS, "waiting for the neighbour's fork bomb to reach its process limit", (async () => {
          for (;;) {
            const now = await engine.usage(id);
            if (!now) throw new Error("the neighbour's sandbox is gone");
            if (now.pidsLimit !== null && now.pids >= BOMB_PIDS_FRACTION * now.pidsLimit) return;
            await sleep(250);
          }
        })());
      /** Types `command` and a marker in the neighbour's shell; resolves once the marker is printed. */
      const shell = async (who: DojoLearner, command: string, marker: string) => {
        const done = who.terminal.output.expect(marker, RAMP_TIMEOUT_MS);
        who.terminal.send(`${command}; echo ${marker.slice(0, 3)}""${marker.slice(3)}\r`);
        await done;
      };

      /** The learner types one block of keystrokes next to the neighbour `sandboxId`. */
      const block = async (condition: NeighbourCondition, round: number, sandboxId: string) => {
        const before = await engine.usage(sandboxId);
        const load = loadAverage();
        const stopMeter = meterCpu(service.pid);
        const samplesMs = await echoRoundTrips(learner.terminal, echo);
        const cpu = stopMeter();
        const after = await engine.usage(sandboxId);
        conditions
          .find((c) => c.condition === condition)!
          .blocks.push({ round, samplesMs, cpu, loadAverage: { start: load, end: loadAverage() }, neighbour: neighbourUse(before, after) });
      };

      try {
        // Neighbours that stay: a quiet one, one whose spinners start and stop, and a fork
        // bomb left by its learner and frozen by the service (paused all along: it costs nothing).
        const quiet = await neighbour();
        const spinning = await neighbour();
        const left = await neighbour();
        left.terminal.send(`${FORK_BOMB}\r`);
        await bombRaging(left.sandboxId);
        const leftAt = performance.now();
        left.terminal.close();
        await within(RAMP_TIMEOUT_MS, "waiting for the service to freeze the abandoned fork bomb", (async () => {
          while ((await engine.inspect(left.sandboxId))?.state !== "paused") await sleep(250);
        })());
        const frozenAfterMs = Math.round(performance.now() - leftAt);

        const run: Record<NeighbourCondition, (round: number) => Promise<void>> = {
          quiet: (round) => block("quiet", round, quiet.sandboxId),
          "fork bomb": async (round) => {
            // A fresh neighbour each round: removing it is what ends a fork bomb.
            const bomb = await neighbour();
            bomb.terminal.send(`${FORK_BOMB}\r`);
            await bombRaging(bomb.sandboxId);
            await block("fork bomb", round, bomb.sandboxId);
            bomb.terminal.close();
            await engine.remove(bomb.sandboxId);
          },
          "CPU spinner": async (round) => {
            await shell(spinning, SPINNER, `spinners-started-${round}`);
            await block("CPU spinner", round, spinning.sandboxId);
            await shell(spinning, "kill $(jobs -p); wait", `spinners-stopped-${round}`);
          },
          "fork bomb, left and frozen": (round) => block("fork bomb, left and frozen", round, left.sandboxId),
        };
        for (let round = 1; round <= rounds; round++) {
          // Each round starts with the next condition, so none is always first after a noisy one.
          const order = CONDITIONS.map((_, i) => CONDITIONS[(i + round - 1) % CONDITIONS.length]!);
          ctx.progress(`neighbours: round ${round}/${rounds} (${order.join(", ")}), ${echo.samples} keystrokes each (load average ${loadAverage()})`);
          for (const condition of order) await run[condition](round);
        }
        return {
          forkBomb: FORK_BOMB,
          spinner: SPINNER,
          runawayWindowSeconds: RUNAWAY_WINDOW_SECONDS,
          sweepSeconds: SWEEP_SECONDS,
          frozenAfterMs,
          rounds,
          echoSamples: echo.samples * rounds,
          thinkMs: echo.thinkMs,
          conditions,
        };
      } finally {
        learner.terminal.close();
        for (const n of neighbours) n.terminal.close();
        for (const n of neighbours) await engine.remove(n.sandboxId);
      }
    },
    { runawayWindowSeconds: RUNAWAY_WINDOW_SECONDS, sweepIntervalSeconds: SWEEP_SECONDS },
  );
}

function cpusUsed(from: ContainerUsage, to: ContainerUsage): number {
  return (to.cpuNanos - from.cpuNanos) / ((to.readAt - from.readAt) * 1e6);
}

function neighbourUse(before: ContainerUsage | null, after: ContainerUsage | null): ConditionBlock["neighbour"] {
  if (!before || !after) return null;
  return { pids: after.pids, pidsLimit: after.pidsLimit, cpus: Math.round(cpusUsed(before, after) * 100) / 100 };
}
