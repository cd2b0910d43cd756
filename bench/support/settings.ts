/** What one run measures, from environment variables (documented in bench/README.md). */

/** The benchmark's phases, as BENCH_ONLY names them. */
export const PHASES = ["learners", "flood", "idle-memory", "docker", "neighbours"] as const;
export type PhaseName = (typeof PHASES)[number];

export interface Settings {
  quick: boolean;
  /** Numbers of concurrent learners. */
  learners: number[];
  /** Keystroke samples per learner. */
  echoSamples: number;
  /** Mean pause between keystrokes of one learner, ms. */
  thinkMs: number;
  /**
   * Keystrokes each terminal types before the counted ones, for every system alike. Each
   * measurement starts a fresh process (the service, wetty); its first keystrokes run
   * code the JIT has not compiled yet, while its compiler threads compete for the two
   * CPUs: a start-up cost a long-running service pays once, not an echo's.
   */
  echoWarmup: number;
  /** Time to prompt: rounds of N learners are repeated until at least this many samples. */
  promptSamples: number;
  /** Input bytes of the flood (base64 makes 4/3 of it, plus line ends). */
  floodBytes: number;
  floodRuns: number;
  /** Idle sandboxes for the memory figure. */
  idleSandboxes: number;
  wetty: boolean;
  /** Phases to run (BENCH_ONLY); all of PHASES by default. */
  only: PhaseName[];
  /** `docker` sandboxes: time-to-prompt / `docker info` samples, cold and warm each. */
  dockerSamples: number;
  /** `docker` sandboxes: SANDBOX_DOCKER_POOL_SIZE of the warm service. */
  dockerPoolSize: number;
  /** `docker` sandboxes: idle sandboxes for the memory figure. */
  dockerIdleSandboxes: number;
  /** Noisy neighbours: keystrokes of the well-behaved learner per condition, over all rounds. */
  neighbourEchoSamples: number;
  /** Noisy neighbours: rounds in which the conditions take turns. */
  neighbourRounds: number;
}

/** A non-negative number from the environment variable `name`, or `fallback` when unset. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(raw)}`);
  return value;
}

/** A whole number of at least `min` from the environment variable `name`, or `fallback` when unset. */
export function envWholeNumber(name: string, fallback: number, min: number): number {
  const value = envNumber(name, fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not ${JSON.stringify(process.env[name])}`);
  return value;
}

export function readSettings(): Settings {
  const quick = process.env.BENCH_QUICK === "1";
  const learners = (process.env.BENCH_LEARNERS ?? (quick ? "1,10" : "1,10,50"))
    .split(",")
    .map((n) => Number(n.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (learners.length === 0) throw new Error("BENCH_LEARNERS must list positive integers, e.g. 1,10,50");
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of only) {
    if (!(PHASES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: unknown phase ${JSON.stringify(name)}; phases are ${PHASES.join(", ")}`);
  }
  return {
    quick,
    learners,
    echoSamples: envNumber("BENCH_ECHO_SAMPLES", quick ? 10 : 30),
    thinkMs: envNumber("BENCH_THINK_MS", 100),
    echoWarmup: envNumber("BENCH_ECHO_WARMUP", 5),
    promptSamples: envNumber("BENCH_PROMPT_SAMPLES", quick ? 5 : 20),
    floodBytes: envNumber("BENCH_FLOOD_BYTES", quick ? 20_000_000 : 50_000_000),
    floodRuns: Math.max(1, envNumber("BENCH_FLOOD_RUNS", quick ? 1 : 3)),
    idleSandboxes: Math.max(1, envNumber("BENCH_IDLE_SANDBOXES", quick ? 10 : 20)),
    wetty: process.env.BENCH_SKIP_WETTY !== "1",
    only: only.length === 0 ? [...PHASES] : PHASES.filter((phase) => only.includes(phase)),
    dockerSamples: Math.max(1, envNumber("BENCH_DOCKER_SAMPLES", quick ? 5 : 20)),
    dockerPoolSize: Math.max(1, envNumber("BENCH_DOCKER_POOL", 1)),
    dockerIdleSandboxes: Math.max(1, envNumber("BENCH_DOCKER_IDLE_SANDBOXES", quick ? 3 : 10)),
    neighbourEchoSamples: Math.max(10, envNumber("BENCH_NEIGHBOUR_ECHO_SAMPLES", quick ? 60 : 160)),
    neighbourRounds: Math.max(1, Math.round(envNumber("BENCH_NEIGHBOUR_ROUNDS", quick ? 3 : 4))),
  };
}

/** bench/workshop.ts: the kinds of run (support/phases/workshop.ts), in the order a round makes them. */
export const WORKSHOP_RUN_KINDS = ["cold", "prewarmed", "preseated"] as const;
export type WorkshopRunKind = (typeof WORKSHOP_RUN_KINDS)[number];

/** bench/workshop.ts: a workshop's learners arriving at once (documented in bench/README.md). */
export interface WorkshopSettings {
  /** Learners, and the workshop's capacity. */
  learners: number;
  /** They join at evenly spread times over this many seconds. */
  arrivalSeconds: number;
  /** SANDBOX_SWEEP_INTERVAL_SECONDS of the service: how soon it sees a workshop's demand change. */
  sweepSeconds: number;
  /** Kinds of run, in this order each round (BENCH_WORKSHOP_RUNS): cold, prewarmed, preseated. */
  runs: WorkshopRunKind[];
  /** Rounds of those runs; the samples of each kind are pooled. */
  rounds: number;
  /** Mean pause between the dashboard's round-trip probes, ms. */
  probeIntervalMs: number;
}

export function readWorkshopSettings(): WorkshopSettings {
  const runs = (process.env.BENCH_WORKSHOP_RUNS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of runs) {
    if (!(WORKSHOP_RUN_KINDS as readonly string[]).includes(name)) {
      throw new Error(`BENCH_WORKSHOP_RUNS: unknown run ${JSON.stringify(name)}; runs are ${WORKSHOP_RUN_KINDS.join(", ")}`);
    }
  }
  return {
    runs: runs.length === 0 ? [...WORKSHOP_RUN_KINDS] : WORKSHOP_RUN_KINDS.filter((kind) => runs.includes(kind)),
    learners: envWholeNumber("BENCH_WORKSHOP_LEARNERS", 50, 1),
    arrivalSeconds: envNumber("BENCH_WORKSHOP_ARRIVAL_SECONDS", 10),
    sweepSeconds: envWholeNumber("BENCH_WORKSHOP_SWEEP_SECONDS", 2, 1),
    rounds: envWholeNumber("BENCH_WORKSHOP_ROUNDS", 1, 1),
    probeIntervalMs: Math.max(10, envNumber("BENCH_WORKSHOP_PROBE_MS", 100)),
  };
}
