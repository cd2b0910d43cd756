/** The workshop benchmark's result document (written as JSON) and its printed table. */
import type { FailureStage, PrewarmFigures, WorkshopRun } from "./phases/workshop";
import type { MachineReport } from "./bench-run";
import type { CpuShare } from "./proc-cpu";
import { ms, table } from "./report";
import { WORKSHOP_RUN_KINDS, type WorkshopRunKind, type WorkshopSettings } from "./settings";
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
  ioPressure: Array<WorkshopRun["ioPressure"]>;
}

export interface WorkshopReport {
  benchmark: "workshop";
  date: string;
  durationSeconds: number;
  machine: MachineReport;
  settings: WorkshopSettings & { lesson: WorkshopLesson };
  summary: Record<WorkshopRunKind, WorkshopSummary | null> & {
    /** Cold time to prompt / pre-warmed (and / pre-seated), at the median and at p95: how many times faster pre-warming makes it. */
    promptRatio: Record<"prewarmed" | "preseated", { median: number | null; p95: number | null }>;
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
    ioPressure: runs.map((run) => run.ioPressure),
  };
}

/** Cold over pre-warmed (or pre-seated) time to prompt, at the median and p95. */
export function promptRatio(warm: WorkshopSummary | null, cold: WorkshopSummary | null): { median: number | null; p95: number | null } {
  return {
    median: ratio(cold?.timeToPromptMs?.median, warm?.timeToPromptMs?.median),
    p95: ratio(cold?.timeToPromptMs?.p95, warm?.timeToPromptMs?.p95),
  };
}

/** How each kind of run is called in the table. */
const KIND_LABELS: Record<WorkshopRunKind, string> = {
  prewarmed: "pre-warmed, joining on arrival",
  preseated: "pre-warmed, seated beforehand",
  cold: "cold baseline",
};

/** Printed in this order: the issue's case first. */
const PRINT_ORDER: readonly WorkshopRunKind[] = ["prewarmed", "preseated", "cold"];

const FAILURE_LABELS: Record<FailureStage, string> = {
  join: "could not join (every attempt failed, or refused)",
  prompt: "no prompt",
  solve: "solve script did not finish",
  check: "check did not pass",
  dashboard: "dashboard never showed the pass",
};

const seconds = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x / 1000).toFixed(1)} s`);
const times = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)}×`);
const warmup = (w: { ready: number; target: number } | undefined) => (w ? `${w.ready} of ${w.target}` : "–");

export function formatWorkshopReport(report: WorkshopReport): string {
  const out: string[] = [];
  const { machine, settings, summary } = report;
  const kinds = PRINT_ORDER.filter((kind) => summary[kind] !== null);
  const runOrder = WORKSHOP_RUN_KINDS.filter((kind) => settings.runs.includes(kind)).join(", ");
  out.push(`workshop benchmark, ${report.date} (${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, Docker ${machine.docker}; ${report.durationSeconds} s)`);
  out.push(`load average (1 min) ${machine.loadAverage.start} at the start, ${machine.loadAverage.end} at the end`);
  const { lesson } = settings;
  out.push(`lesson ${lesson.slug} (template ${lesson.template}), step ${lesson.step.id}, solved by typing: ${lesson.step.solve.trim().split("\n").join(" ⏎ ")}`);
  out.push(
    `${settings.learners} learners per run arriving over ${settings.arrivalSeconds} s (one every ${Math.round((settings.arrivalSeconds * 1000) / settings.learners)} ms); ` +
      `service sweep every ${settings.sweepSeconds} s; ${settings.rounds} round${settings.rounds === 1 ? "" : "s"} of: ${runOrder}`,
  );

  for (const run of report.runs) {
    const p = run.prewarm;
    if (!p) continue;
    out.push(
      `\nPre-warming (${KIND_LABELS[run.kind]}, round ${run.round}): workshop created → pool holds ${p.ready} of ${p.target} ready: ` +
        `${p.filledMs === null ? "not within the deadline" : seconds(p.filledMs)} (the service saw the demand after ${seconds(p.demandSeenMs)}); ` +
        `the dashboard said ${warmup(p.warmups.find((w) => w.ready >= w.target))} after ${seconds(p.dashboardSaidReadyMs)}` +
        (run.seatedBeforehandSeconds === null ? "" : `; then ${settings.learners} seats taken in ${run.seatedBeforehandSeconds} s`),
    );
  }
  out.push("Dashboard warmup (ready of target) when the first learner arrived:");
  for (const kind of kinds) {
    out.push(`  ${KIND_LABELS[kind]}: ${report.runs.filter((r) => r.kind === kind).map((r) => warmup(r.warmupAtJoin)).join(", ")}`);
  }

  const row = (label: string, s: Summary | null | undefined) => [label, ms(s?.median), ms(s?.p95), ms(s?.max), String(s?.samples ?? "–")];
  const heading = (label: string) => [label, "", "", "", ""];
  const perKind = (pick: (s: WorkshopSummary) => Summary | null) => kinds.map((kind) => row(`  ${KIND_LABELS[kind]}`, pick(summary[kind]!)));
  const ratios = (["prewarmed", "preseated"] as const)
    .filter((kind) => summary[kind] && summary.cold)
    .map((kind) => [`  cold / ${KIND_LABELS[kind]}`, times(summary.promptRatio[kind].median), times(summary.promptRatio[kind].p95), "", ""]);
  out.push("");
  out.push(
    table([
      ["", "p50", "p95", "max", "samples"],
      heading("Time to interactive prompt, ms (socket created → first \"# \")"),
      ...perKind((s) => s.timeToPromptMs),
      ...ratios,
      heading("Dashboard update delay, ms (learner's check:run ack, passed → dashboard's row with the step)"),
      ...perKind((s) => s.dashboardDelayMs),
      heading("Reference: plain round trip on the dashboard's socket meanwhile (workshop:unshadow → ack), ms"),
      ...perKind((s) => s.roundTripMs),
      heading("check:run → ack, ms"),
      ...perKind((s) => s.checkMs),
      heading("solve script typed → done, ms"),
      ...perKind((s) => s.solveMs),
      heading("joinWorkshop while arriving (the attempt that succeeded), ms"),
      ...kinds.filter((kind) => summary[kind]!.joinMs).map((kind) => row(`  ${KIND_LABELS[kind]}`, summary[kind]!.joinMs)),
    ]),
  );
  const marks = (s: WorkshopSummary) =>
    [s.promptMarksMedianMs.connected, s.promptMarksMedianMs.sandboxOpened, s.promptMarksMedianMs.terminalOpened].map((x) => ms(x ?? undefined)).join(" / ");
  out.push("  where the time to prompt went, medians in ms from socket created: connected / sandbox:open answered / terminal:open answered");
  out.push(`    ${kinds.map((kind) => `${KIND_LABELS[kind]} ${marks(summary[kind]!)}`).join("; ")}`);
  out.push("  dashboard delay < 0: the row reached the dashboard before the ack reached the learner (the service emits the row just before it answers the check)");

  const each = (pick: (s: WorkshopSummary) => string) => kinds.map((kind) => pick(summary[kind]!));
  const cpu = (list: CpuShare[]) => list.map((c) => `${c.clientPercent.toFixed(0)} / ${c.serverPercent?.toFixed(0) ?? "–"} / ${c.enginePercent.toFixed(0)}`).join(", ");
  out.push("");
  out.push(
    table([
      ["", ...kinds.map((kind) => KIND_LABELS[kind])],
      ["learners", ...each((s) => String(s.learners))],
      ["failed, all stages", ...each((s) => String(s.failures.total))],
      ...STAGES.map((stage) => [`  ${FAILURE_LABELS[stage]}`, ...each((s) => String(s.failures[stage]))]),
      ["join attempts that failed with an error and were made again", ...each((s) => String(s.joinErrors))],
      ["round-trip probes that failed", ...each((s) => String(s.roundTripFailures))],
      ["warnings and errors in the service's log", ...each((s) => s.serviceWarnings.join(", "))],
      ["sandboxes created on open (no pooled one was ready)", ...each((s) => String(s.createdOnOpen))],
      ["learners handed a sandbox another learner also got (must be 0)", ...each((s) => String(s.sharedSandboxes))],
      ["containers beyond the learners' own at the end (pool refills)", ...each((s) => s.extraContainers.join(", "))],
      ["CPU while learners worked, % of one core: clients / service / engine", ...each((s) => cpu(s.cpu))],
      ["event-loop delay while learners worked, p99 / max ms: the service", ...each((s) => s.loopDelay.map((l) => `${ms(l.service.p99Ms)} / ${ms(l.service.maxMs)}`).join(", "))],
      ["  the benchmark (simulated browsers, dashboard)", ...each((s) => s.loopDelay.map((l) => `${ms(l.clients.p99Ms)} / ${ms(l.clients.maxMs)}`).join(", "))],
      ["load average (1 min) when learners started → finished", ...each((s) => s.loadAverage.map((l) => `${l.start} → ${l.end}`).join(", "))],
      ["I/O pressure (% of 10 s some task waited for the disk), started → finished", ...each((s) => s.ioPressure.map((p) => `${p.start ?? "n/a"} → ${p.end ?? "n/a"}`).join(", "))],
    ]),
  );
  const examples = (title: string, pick: (s: WorkshopSummary) => string[]) => {
    const lines = kinds.flatMap((kind) => pick(summary[kind]!).map((e) => `${KIND_LABELS[kind]}, ${e}`));
    if (lines.length > 0) out.push(`\n${title}:\n${lines.map((e) => `  - ${e}`).join("\n")}`);
  };
  examples("Failures (examples)", (s) => s.failureExamples);
  examples("Join attempts that failed and were made again (examples)", (s) => s.joinErrorExamples);
  examples("Service warnings (examples)", (s) => s.serviceWarningExamples);
  if (report.errors.length > 0) out.push(`\nFailed runs:\n${report.errors.map((e) => `  - ${e}`).join("\n")}`);
  return out.join("\n");
}
