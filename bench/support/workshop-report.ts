/** The workshop benchmark's result document (written as JSON) and its printed table. */
import type { FailureStage, PrewarmFigures, WorkshopRun, WorkshopRunKind } from "./phases/workshop";
import type { CpuShare } from "./proc-cpu";
import { ms, table } from "./report";
import type { WorkshopSettings } from "./settings";
import { ratio, summarize, type Summary } from "./stats";
import type { WorkshopLesson } from "./workshop-fixture";

const STAGES: readonly FailureStage[] = ["join", "prompt", "solve", "check", "dashboard"];

/** One kind of run (cold or pre-warmed), every round's learners pooled. */
export interface WorkshopSummary {
  runs: number;
  learners: number;
  /** Socket created → first output containing "# ". */
  timeToPromptMs: Summary | null;
  /** check:run ack (passed) → the dashboard's row with more steps passed. */
  dashboardDelayMs: Summary | null;
  /** workshop:unshadow round trips on the dashboard's socket while the learners were at work. */
  roundTripMs: Summary | null;
  roundTripFailures: number;
  checkMs: Summary | null;
  solveMs: Summary | null;
  joinMs: Summary | null;
  /** Medians of where the time to prompt went (cumulative from socket created), ms. */
  promptMarksMedianMs: { connected: number | null; sandboxOpened: number | null; terminalOpened: number | null };
  /** Learners handed a sandbox another learner of the same run also got (must be 0). */
  sharedSandboxes: number;
  /** Learners whose sandbox was created on sandbox:open (no pooled one was ready). */
  createdOnOpen: number;
  /** Learners who failed, by the stage they failed at (each learner counts once). */
  failures: Record<FailureStage, number> & { total: number };
  /** A few of the failures' messages, distinct. */
  failureExamples: string[];
  /** Join attempts that failed with an error and were made again, in all; and a few of them. */
  joinErrors: number;
  joinErrorExamples: string[];
  /** Event-loop delay while the learners worked, per run: the service's and this process's (simulated browsers). */
  loopDelay: Array<WorkshopRun["loopDelay"]>;
  /** Warnings and errors the service logged, per run; and a few of them. */
  serviceWarnings: number[];
  serviceWarningExamples: string[];
  extraContainers: number[];
  cpu: CpuShare[];
  loadAverage: Array<{ start: number; end: number }>;
}

export interface WorkshopReport {
  benchmark: "workshop";
  date: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    memoryGiB: number;
    node: string;
    docker: string;
    /** 1-minute load average at the start and the end: how busy the machine was besides us. */
    loadAverage: { start: number; end: number };
  };
  settings: WorkshopSettings & { lesson: WorkshopLesson };
  summary: Record<WorkshopRunKind, WorkshopSummary | null> & {
    /** Cold time to prompt / pre-warmed, at the median and at p95: how many times faster pre-warming makes it. */
    promptRatio: { median: number | null; p95: number | null };
  };
  /** Per pre-warmed run: how the pool filled and what the dashboard said. */
  prewarm: PrewarmFigures[];
  /** Every run with every learner's figures. */
  runs: WorkshopRun[];
  /** Runs that failed as a whole, with why. */
  errors: string[];
}

export function summarizeRuns(runs: readonly WorkshopRun[]): WorkshopSummary | null {
  if (runs.length === 0) return null;
  const learners = runs.flatMap((run) => run.learners);
  const values = (pick: (l: (typeof learners)[number]) => number | null) => learners.map(pick).filter((x): x is number => x !== null);
  const failures = { total: 0, join: 0, prompt: 0, solve: 0, check: 0, dashboard: 0 };
  for (const learner of learners) {
    if (!learner.failure) continue;
    failures.total++;
    failures[learner.failure.stage]++;
  }
  return {
    runs: runs.length,
    learners: learners.length,
    timeToPromptMs: summarize(values((l) => l.timeToPromptMs)),
    dashboardDelayMs: summarize(values((l) => l.dashboardDelayMs)),
    roundTripMs: summarize(runs.flatMap((run) => run.roundTripMs)),
    roundTripFailures: runs.reduce((sum, run) => sum + run.roundTripFailures, 0),
    checkMs: summarize(values((l) => l.checkMs)),
    solveMs: summarize(values((l) => l.solveMs)),
    joinMs: summarize(values((l) => l.joinMs)),
    promptMarksMedianMs: {
      connected: summarize(values((l) => l.marks?.connectedMs ?? null))?.median ?? null,
      sandboxOpened: summarize(values((l) => l.marks?.sandboxOpenedMs ?? null))?.median ?? null,
      terminalOpened: summarize(values((l) => l.marks?.terminalOpenedMs ?? null))?.median ?? null,
    },
    sharedSandboxes: runs.reduce((sum, run) => {
      const ids = run.learners.flatMap((l) => (l.sandboxId ? [l.sandboxId] : []));
      return sum + ids.filter((id) => ids.indexOf(id) !== ids.lastIndexOf(id)).length;
    }, 0),
    createdOnOpen: learners.filter((l) => l.createdCold === true).length,
    failures,
    failureExamples: [...new Set(learners.flatMap((l) => (l.failure ? [`${l.failure.stage}: ${l.failure.message}`] : [])))].slice(0, 5),
    joinErrors: learners.reduce((sum, l) => sum + l.joinErrors.length, 0),
    joinErrorExamples: [...new Set(learners.flatMap((l) => l.joinErrors))].slice(0, 3),
    loopDelay: runs.map((run) => run.loopDelay),
    serviceWarnings: runs.map((run) => run.serviceWarnings.count),
    serviceWarningExamples: [...new Set(runs.flatMap((run) => run.serviceWarnings.examples))].slice(0, 5),
    extraContainers: runs.map((run) => run.extraContainers),
    cpu: runs.map((run) => run.cpu),
    loadAverage: runs.map((run) => run.loadAverage),
  };
}

const seconds = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x / 1000).toFixed(1)} s`);
const times = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)}×`);
const warmup = (w: { ready: number; target: number } | undefined) => (w ? `${w.ready} of ${w.target}` : "–");

export function formatWorkshopReport(report: WorkshopReport): string {
  const out: string[] = [];
  const { machine, settings, summary } = report;
  const { prewarmed, cold } = summary;
  out.push(`workshop benchmark, ${report.date} (${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, Docker ${machine.docker}; ${report.durationSeconds} s)`);
  out.push(`load average (1 min) ${machine.loadAverage.start} at the start, ${machine.loadAverage.end} at the end`);
  const { lesson } = settings;
  out.push(`lesson ${lesson.slug} (template ${lesson.template}), step ${lesson.step.id}, solved by typing: ${lesson.step.solve.trim().split("\n").join(" ⏎ ")}`);
  out.push(
    `${settings.learners} learners per run joining over ${settings.arrivalSeconds} s (one every ${Math.round((settings.arrivalSeconds * 1000) / settings.learners)} ms); ` +
      `service sweep every ${settings.sweepSeconds} s; ${settings.rounds} round${settings.rounds === 1 ? "" : "s"} of (cold baseline, pre-warmed)`,
  );

  for (const [i, p] of report.prewarm.entries()) {
    const which = report.prewarm.length > 1 ? ` (round ${i + 1})` : "";
    out.push(
      `\nPre-warming${which}: workshop created → pool holds ${p.ready} of ${p.target} ready: ${p.filledMs === null ? "not within the deadline" : seconds(p.filledMs)}` +
        ` (the service saw the demand after ${seconds(p.demandSeenMs)}); the dashboard said ${warmup(p.warmups.find((w) => w.ready >= w.target))} after ${seconds(p.dashboardSaidReadyMs)}`,
    );
  }
  const atJoin = (kind: WorkshopRunKind) => report.runs.filter((r) => r.kind === kind).map((r) => warmup(r.warmupAtJoin)).join(", ") || "–";
  out.push(`Dashboard warmup (ready of target) when the first learner joined: pre-warmed ${atJoin("prewarmed")}; cold ${atJoin("cold")}`);

  const marks = (s: WorkshopSummary | null) =>
    s ? [s.promptMarksMedianMs.connected, s.promptMarksMedianMs.sandboxOpened, s.promptMarksMedianMs.terminalOpened].map((x) => ms(x ?? undefined)).join(" / ") : "–";
  const row = (label: string, s: Summary | null | undefined) => [label, ms(s?.median), ms(s?.p95), ms(s?.max), String(s?.samples ?? "–")];
  out.push("");
  out.push(
    table([
      ["", "p50", "p95", "max", "samples"],
      ["Time to interactive prompt, ms (socket created → first \"# \")", "", "", "", ""],
      row(`  pre-warmed (pool of ${settings.learners} for the workshop)`, prewarmed?.timeToPromptMs),
      row("  cold baseline (no pool, no workshop demand)", cold?.timeToPromptMs),
      ["  cold / pre-warmed (what pre-warming buys)", times(summary.promptRatio.median), times(summary.promptRatio.p95), "", ""],
      ["Dashboard update delay, ms (check:run ack, passed → dashboard's row with the step)", "", "", "", ""],
      row("  pre-warmed run", prewarmed?.dashboardDelayMs),
      row("  cold run", cold?.dashboardDelayMs),
      ["Reference: plain round trip on the dashboard's socket meanwhile, ms", "", "", "", ""],
      row("  pre-warmed run (workshop:unshadow → ack)", prewarmed?.roundTripMs),
      row("  cold run", cold?.roundTripMs),
      ["Other steps, ms", "", "", "", ""],
      row("  check:run → ack, pre-warmed run", prewarmed?.checkMs),
      row("  check:run → ack, cold run", cold?.checkMs),
      row("  solve script typed → done, pre-warmed run", prewarmed?.solveMs),
      row("  solve script typed → done, cold run", cold?.solveMs),
      row("  joinWorkshop (taking the seat), pre-warmed run", prewarmed?.joinMs),
    ]),
  );

  out.push(`  where the time to prompt went, medians in ms from socket created: connected / sandbox:open answered / terminal:open answered`);
  out.push(`    pre-warmed ${marks(prewarmed)}; cold ${marks(cold)}`);
  out.push(`  dashboard delay < 0: the row reached the dashboard before the ack reached the learner (the service emits the row just before it answers the check)`);

  const both = (pick: (s: WorkshopSummary) => string) => [prewarmed ? pick(prewarmed) : "–", cold ? pick(cold) : "–"];
  const cpu = (list: CpuShare[]) => list.map((c) => `${c.clientPercent.toFixed(0)} / ${c.serverPercent?.toFixed(0) ?? "–"} / ${c.enginePercent.toFixed(0)}`).join(", ");
  out.push("");
  out.push(
    table([
      ["", "pre-warmed", "cold"],
      ["learners", ...both((s) => String(s.learners))],
      ["failed, all stages", ...both((s) => String(s.failures.total))],
      ...STAGES.map((stage) => [`  ${FAILURE_LABELS[stage]}`, ...both((s) => String(s.failures[stage]))]),
      ["join attempts that failed with an error and were made again", ...both((s) => String(s.joinErrors))],
      ["round-trip probes that failed", ...both((s) => String(s.roundTripFailures))],
      ["warnings and errors in the service's log", ...both((s) => s.serviceWarnings.join(", "))],
      ["sandboxes created on open (no pooled one was ready)", ...both((s) => String(s.createdOnOpen))],
      ["learners handed a sandbox another learner also got (must be 0)", ...both((s) => String(s.sharedSandboxes))],
      ["containers beyond the learners' own at the end (pool refills)", ...both((s) => s.extraContainers.join(", "))],
      ["CPU while learners worked, % of one core: clients / service / engine", ...both((s) => cpu(s.cpu))],
      ["event-loop delay while learners worked, p99 / max ms: the service", ...both((s) => s.loopDelay.map((l) => `${ms(l.service.p99Ms)} / ${ms(l.service.maxMs)}`).join(", "))],
      ["  this process (simulated browsers and dashboard)", ...both((s) => s.loopDelay.map((l) => `${ms(l.clients.p99Ms)} / ${ms(l.clients.maxMs)}`).join(", "))],
      ["load average (1 min) when learners started → finished", ...both((s) => s.loadAverage.map((l) => `${l.start} → ${l.end}`).join(", "))],
    ]),
  );
  const examples = (title: string, pick: (s: WorkshopSummary) => string[]) => {
    const lines = [...(prewarmed ? pick(prewarmed).map((e) => `pre-warmed, ${e}`) : []), ...(cold ? pick(cold).map((e) => `cold, ${e}`) : [])];
    if (lines.length > 0) out.push(`\n${title}:\n${lines.map((e) => `  - ${e}`).join("\n")}`);
  };
  examples("Failures (examples)", (s) => s.failureExamples);
  examples("Join attempts that failed and were made again (examples)", (s) => s.joinErrorExamples);
  examples("Service warnings (examples)", (s) => s.serviceWarningExamples);
  if (report.errors.length > 0) out.push(`\nFailed runs:\n${report.errors.map((e) => `  - ${e}`).join("\n")}`);
  return out.join("\n");
}

const FAILURE_LABELS: Record<FailureStage, string> = {
  join: "could not join (seat refused)",
  prompt: "no prompt",
  solve: "solve script did not finish",
  check: "check did not pass",
  dashboard: "dashboard never showed the pass",
};

/** Cold over pre-warmed time to prompt, at the median and p95. */
export function promptRatio(prewarmed: WorkshopSummary | null, cold: WorkshopSummary | null): { median: number | null; p95: number | null } {
  return {
    median: ratio(cold?.timeToPromptMs?.median, prewarmed?.timeToPromptMs?.median),
    p95: ratio(cold?.timeToPromptMs?.p95, prewarmed?.timeToPromptMs?.p95),
  };
}
