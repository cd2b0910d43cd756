/** The benchmark's result document (written as JSON) and its printed table. */
import type { DockerSample, DockerSandboxFigures } from "./phases/docker-sandboxes";
import type { MachineReport } from "./bench-run";
import type { FloodFigures } from "./phases/flood";
import type { PromptParts } from "./phases/platform";
import type { IdleMemoryFigures } from "./phases/idle-memory";
import type { ConditionFigures, NeighbourFigures } from "./phases/neighbours";
import type { Settings } from "./settings";
import type { EchoFigures } from "./measure";
import type { CpuShare } from "./proc-cpu";
import { median, ratio, summarize, type Summary } from "./stats";

type PerSystem<T> = { platform: T; floor: T; wetty: T };
/** The echo has a fourth system: the floor through a bare relay process (bench/peers/relay-server.ts). */
type PerEchoSystem<T> = PerSystem<T> & { relay: T };

export interface LearnerFigures {
  learners: number;
  /** coldFloor: the same N containers created, started and a shell opened straight through Docker. */
  timeToPromptMs: { cold: Summary | null; warm: Summary | null; coldFloor: Summary | null };
  /** Medians of where the time to prompt went, ms from socket creation (cumulative). */
  promptPartsMs: { cold: PromptParts | null; warm: PromptParts | null };
  echoMs: PerEchoSystem<Summary | null>;
  /** CPU during the echo measurement, % of one core: clients (this process), server side, engine. */
  echoCpu: PerEchoSystem<CpuShare | null>;
  ratios: {
    /** Target ≤ 1.5. */
    echoP99PlatformOverFloor: number | null;
    /** What the platform's protocol costs above the least any process in between costs. */
    echoP99PlatformOverRelay: number | null;
    /** What one process in between costs, at the least. */
    echoP99RelayOverFloor: number | null;
    echoP99PlatformOverWetty: number | null;
    /** Cold time to prompt, platform ÷ cold floor. Target ≤ 1.2. */
    promptColdOverFloor: { median: number | null; p95: number | null };
  };
}

export interface FloodReport extends FloodFigures {
  medianMBps: { platform: number | null; floor: number | null; wetty: number | null };
  ratios: { platformOverWetty: number | null; platformOverFloor: number | null };
}

export interface BenchReport {
  benchmark: "sandbox-engine";
  date: string;
  durationSeconds: number;
  machine: MachineReport;
  settings: Settings & { wettyVersion: string };
  perLearnerCount: LearnerFigures[];
  flood: FloodReport | null;
  idleMemory: IdleMemoryFigures | null;
  /** `docker` sandboxes (a Docker engine inside): time until `docker info` answers, idle memory. */
  dockerSandboxes: DockerSandboxReport | null;
  /** Fair CPU: a learner's echo next to a fork bomb and a spinner, as ratios to a quiet neighbour. */
  neighbours: NeighbourReport | null;
  /** Wall-clock seconds of each phase (and of each N's parts), in the order they ran. */
  phaseSeconds: Record<string, number>;
  /** Phases that failed, with why; their figures are missing above. */
  errors: string[];
}

type DockerSummaries = { prompt: Summary | null; dockerInfo: Summary | null; command: Summary | null };

export interface DockerSandboxReport extends DockerSandboxFigures {
  /** Of the samples above, in ms: prompt and `docker info` answered (both from socket creation), and the command alone. */
  summaryMs: { cold: DockerSummaries; warm: DockerSummaries };
  /** Engine versions `docker info` printed (all samples). */
  versions: string[];
  /** The same figures from an earlier run kept as a baseline (BENCH_DOCKER_BASELINE), side by side. */
  comparedWithBaseline?: DockerBaselineComparison;
}

/** A figure now and in the baseline run; ratio = now / before (above 1: worse). */
export interface DockerBaselineComparison {
  file: string;
  date: string;
  figures: Array<{ figure: string; before: number; now: number; ratio: number }>;
}

export function dockerSandboxReport(figures: DockerSandboxFigures, baseline?: { file: string; report: BenchReport }): DockerSandboxReport {
  const summaries = (samples: DockerSample[]): DockerSummaries => ({
    prompt: summarize(samples.map((s) => s.promptMs)),
    dockerInfo: summarize(samples.map((s) => s.dockerInfoMs)),
    command: summarize(samples.map((s) => s.commandMs)),
  });
  const report: DockerSandboxReport = {
    ...figures,
    summaryMs: { cold: summaries(figures.cold), warm: summaries(figures.warm) },
    versions: [...new Set([...figures.cold, ...figures.warm].map((s) => s.version))],
  };
  const before = baseline?.report.dockerSandboxes;
  if (baseline && before) report.comparedWithBaseline = compareDocker(baseline.file, baseline.report.date, before, report);
  return report;
}

function compareDocker(file: string, date: string, before: DockerSandboxReport, now: DockerSandboxReport): DockerBaselineComparison {
  const pairs: Array<[string, number | null | undefined, number | null | undefined]> = [
    ["cold: ready (first prompt), median ms", before.summaryMs.cold.prompt?.median, now.summaryMs.cold.prompt?.median],
    ["cold: ready (first prompt), p95 ms", before.summaryMs.cold.prompt?.p95, now.summaryMs.cold.prompt?.p95],
    ["warm: first prompt, median ms", before.summaryMs.warm.prompt?.median, now.summaryMs.warm.prompt?.median],
    ["warm: first prompt, p95 ms", before.summaryMs.warm.prompt?.p95, now.summaryMs.warm.prompt?.p95],
    ["idle memory per sandbox, total MiB", before.idleMemory?.perSandboxMiB.total, now.idleMemory?.perSandboxMiB.total],
    ["idle memory per sandbox, container working set MiB", before.idleMemory?.perSandboxMiB.containerWorkingSet, now.idleMemory?.perSandboxMiB.containerWorkingSet],
  ];
  return {
    file,
    date,
    figures: pairs
      .filter((pair): pair is [string, number, number] => typeof pair[1] === "number" && typeof pair[2] === "number" && pair[1] > 0)
      .map(([figure, b, n]) => ({ figure, before: b, now: n, ratio: Math.round((n / b) * 100) / 100 })),
  };
}

type SummaryRatios = { median: number | null; p95: number | null; p99: number | null };

export interface NeighbourConditionReport {
  condition: ConditionFigures["condition"];
  /** Every round's samples together. */
  echoMs: Summary | null;
  /** ÷ the quiet condition's (the baseline). */
  overBaseline: SummaryRatios;
  /** Over its blocks: the lowest and highest 1-minute load average seen. */
  loadAverage: { min: number; max: number } | null;
  /** Mean over its blocks. */
  cpu: CpuShare | null;
  /** The neighbour: most processes seen (of its limit), mean CPUs used. */
  neighbour: { pids: number; pidsLimit: number | null; cpus: number } | null;
}

export interface NeighbourReport extends NeighbourFigures {
  perCondition: NeighbourConditionReport[];
  /** The largest of the three ratios; goal ≤ 2 next to a fork bomb and a spinner. */
  worstRatio: { forkBomb: number | null; spinner: number | null; frozenForkBomb: number | null };
}

const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, x) => sum + x, 0) / values.length);
const round1 = (x: number) => Math.round(x * 10) / 10;

export function neighbourReport(figures: NeighbourFigures): NeighbourReport {
  const baseline = summarize(figures.conditions.find((c) => c.condition === "quiet")?.blocks.flatMap((b) => b.samplesMs) ?? []);
  const perCondition = figures.conditions.map(({ condition, blocks }): NeighbourConditionReport => {
    const echoMs = summarize(blocks.flatMap((b) => b.samplesMs));
    const loads = blocks.flatMap((b) => [b.loadAverage.start, b.loadAverage.end]);
    const used = blocks.flatMap((b) => (b.neighbour ? [b.neighbour] : []));
    const servers = blocks.flatMap((b) => (b.cpu.serverPercent === null ? [] : [b.cpu.serverPercent]));
    return {
      condition,
      echoMs,
      overBaseline: { median: ratio(echoMs?.median, baseline?.median), p95: ratio(echoMs?.p95, baseline?.p95), p99: ratio(echoMs?.p99, baseline?.p99) },
      loadAverage: loads.length > 0 ? { min: Math.min(...loads), max: Math.max(...loads) } : null,
      cpu:
        blocks.length > 0
          ? {
              clientPercent: round1(mean(blocks.map((b) => b.cpu.clientPercent))),
              serverPercent: servers.length > 0 ? round1(mean(servers)) : null,
              enginePercent: round1(mean(blocks.map((b) => b.cpu.enginePercent))),
            }
          : null,
      neighbour:
        used.length > 0
          ? { pids: Math.max(...used.map((u) => u.pids)), pidsLimit: used[0]!.pidsLimit, cpus: Math.round(mean(used.map((u) => u.cpus)) * 100) / 100 }
          : null,
    };
  });
  const worst = (condition: ConditionFigures["condition"]) => {
    const r = perCondition.find((c) => c.condition === condition)?.overBaseline;
    const values = r ? [r.median, r.p95, r.p99].filter((x): x is number => x !== null) : [];
    return values.length > 0 ? Math.max(...values) : null;
  };
  return {
    ...figures,
    perCondition,
    worstRatio: { forkBomb: worst("fork bomb"), spinner: worst("CPU spinner"), frozenForkBomb: worst("fork bomb, left and frozen") },
  };
}

function formatNeighbours(report: NeighbourReport): string[] {
  const out: string[] = [];
  out.push(
    `\nA learner's keystroke echo next to a noisy neighbour, ms (${report.echoSamples} keystrokes per condition in ${report.rounds} rounds, the conditions taking turns, ~${report.thinkMs} ms apart)`,
  );
  const rows = report.perCondition.map((c) => {
    const n = c.neighbour;
    const r = c.overBaseline;
    return [
      c.condition,
      ms(c.echoMs?.median),
      ms(c.echoMs?.p95),
      ms(c.echoMs?.p99),
      c.condition === "quiet" ? "(baseline)" : `${times(r.median)} / ${times(r.p95)} / ${times(r.p99)}`,
      n ? `${n.pids}${n.pidsLimit ? ` of ${n.pidsLimit}` : ""} / ${n.cpus.toFixed(2)}` : "–",
      c.loadAverage ? `${c.loadAverage.min.toFixed(1)}–${c.loadAverage.max.toFixed(1)}` : "–",
      c.cpu ? `${c.cpu.clientPercent.toFixed(0)} / ${c.cpu.serverPercent?.toFixed(0) ?? "–"} / ${c.cpu.enginePercent.toFixed(0)}` : "–",
    ];
  });
  out.push(
    table([
      ["", "median", "p95", "p99", "÷ quiet: median / p95 / p99", "neighbour: processes / CPUs", "load avg (1 min)", "CPU % client / service / engine"],
      ...rows,
    ]),
  );
  const worst = report.worstRatio;
  out.push(`  worst ratio (goal ≤ 2×): next to a fork bomb ${times(worst.forkBomb)}, next to a spinner ${times(worst.spinner)}, next to a fork bomb left and frozen ${times(worst.frozenForkBomb)}`);
  out.push(
    `  (fork bomb \`${report.forkBomb}\`; spinner \`${report.spinner}\`; the neighbour's page stays open, except the frozen one's, closed before the rounds and frozen ${(report.frozenAfterMs / 1000).toFixed(1)} s later (runaway window ${report.runawayWindowSeconds} s, sweeps every ${report.sweepSeconds} s))`,
  );
  return out;
}

export function learnerFigures(
  n: number,
  prompt: { cold: number[]; warm: number[]; coldParts: PromptParts[]; warmParts: PromptParts[] } | null,
  coldFloor: number[] | null,
  echo: Partial<PerEchoSystem<EchoFigures | null>>,
): LearnerFigures {
  const prompts = { cold: summarize(prompt?.cold ?? []), warm: summarize(prompt?.warm ?? []), coldFloor: summarize(coldFloor ?? []) };
  const echoMs = {
    platform: summarize(echo.platform?.samplesMs ?? []),
    floor: summarize(echo.floor?.samplesMs ?? []),
    relay: summarize(echo.relay?.samplesMs ?? []),
    wetty: summarize(echo.wetty?.samplesMs ?? []),
  };
  return {
    learners: n,
    timeToPromptMs: prompts,
    promptPartsMs: { cold: medianParts(prompt?.coldParts ?? []), warm: medianParts(prompt?.warmParts ?? []) },
    echoMs,
    echoCpu: { platform: echo.platform?.cpu ?? null, floor: echo.floor?.cpu ?? null, relay: echo.relay?.cpu ?? null, wetty: echo.wetty?.cpu ?? null },
    ratios: {
      echoP99PlatformOverFloor: ratio(echoMs.platform?.p99, echoMs.floor?.p99),
      echoP99PlatformOverRelay: ratio(echoMs.platform?.p99, echoMs.relay?.p99),
      echoP99RelayOverFloor: ratio(echoMs.relay?.p99, echoMs.floor?.p99),
      echoP99PlatformOverWetty: ratio(echoMs.platform?.p99, echoMs.wetty?.p99),
      promptColdOverFloor: { median: ratio(prompts.cold?.median, prompts.coldFloor?.median), p95: ratio(prompts.cold?.p95, prompts.coldFloor?.p95) },
    },
  };
}

function medianParts(parts: PromptParts[]): PromptParts | null {
  if (parts.length === 0) return null;
  const of = (key: keyof PromptParts) => median(parts.map((p) => p[key])) ?? 0;
  return { connectedMs: of("connectedMs"), sandboxOpenedMs: of("sandboxOpenedMs"), terminalOpenedMs: of("terminalOpenedMs"), promptMs: of("promptMs") };
}

export function floodReport(figures: FloodFigures): FloodReport {
  const mbps = (runs: { mbPerSecond: number }[]) => median(runs.map((r) => r.mbPerSecond));
  const medianMBps = { platform: mbps(figures.platform), floor: mbps(figures.floor), wetty: mbps(figures.wetty) };
  return {
    ...figures,
    medianMBps,
    ratios: { platformOverWetty: ratio(medianMBps.platform, medianMBps.wetty), platformOverFloor: ratio(medianMBps.platform, medianMBps.floor) },
  };
}

/** Left-aligned first column, right-aligned numbers. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => "  " + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

/** Milliseconds with as many decimals as mean something. */
export const ms = (x: number | undefined) =>
  x === undefined ? "–" : Math.abs(x) < 10 ? x.toFixed(2) : Math.abs(x) < 100 ? x.toFixed(1) : x.toFixed(0);
const times = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)}×`);
const summaryRow = (label: string, n: number, s: Summary | null) => [label, String(n), ms(s?.median), ms(s?.p95), ms(s?.p99), String(s?.samples ?? "–")];

const mibValue = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(Math.abs(x) < 1 ? 2 : 1)} MiB`);

/** The rows of an idle-memory table; `extra` rows go after the cgroup's, `engineLabel` names the engine row. */
function idleMemoryRows(idle: IdleMemoryFigures, options: { extra?: string[][]; engineLabel?: string } = {}): string[][] {
  const p = idle.perSandboxMiB;
  const v = mibValue;
  return [
    ["container cgroup, as docker stats (usage − inactive file)", v(p.containerWorkingSet)],
    ["  of which anonymous memory", v(p.containerAnon)],
    ...(options.extra ?? []),
    ["  cgroup usage including all page cache", v(p.containerUsage)],
    ["containerd shim, PSS (RSS counting shared pages per shim)", `${v(p.shimPss)} (${v(p.shimRss)})`],
    ["sandbox service: RSS growth / JS heap + buffers growth", `${v(p.serviceRssGrowth)} / ${v(p.serviceHeapGrowth)}`],
    [options.engineLabel ?? "dockerd + containerd RSS growth", v(p.engineRssGrowth)],
    ["total per idle sandbox (cgroup + shim PSS + larger service growth + engine)", v(p.total)],
    ["cross-check: MemAvailable drop per sandbox (noisy)", v(p.systemMemAvailableDrop)],
  ];
}

function formatDockerSandboxes(docker: DockerSandboxReport): string[] {
  const out: string[] = [];
  const versions = docker.versions.length > 0 ? `; \`docker info\` answered ${docker.versions.join(", ")}` : "";
  out.push(`\nDocker sandboxes (template \`docker\`, ${docker.image}${versions}), one learner at a time, ms from socket created`);
  const row = (label: string, s: Summary | null) => [label, ms(s?.median), ms(s?.p95), ms(s?.max), String(s?.samples ?? "–")];
  const { cold, warm } = docker.summaryMs;
  out.push(
    table([
      ["", "median", "p95", "max", "samples"],
      row("cold (no pool): first prompt = engine ready (the service waits for `docker info`)", cold.prompt),
      row("cold: `docker info` answered (typed at the prompt)", cold.dockerInfo),
      row("  the command alone (Enter → version line)", cold.command),
      row(`warm (pool of ${docker.warmPoolSize}, refilled before each sample): first prompt`, warm.prompt),
      row("warm: `docker info` answered (typed at the prompt)", warm.dockerInfo),
      row("  the command alone (Enter → version line)", warm.command),
    ]),
  );
  out.push(`  (command: \`${docker.command}\`; warm: the claim starts the pool's refill, which runs meanwhile)`);
  const idle = docker.idleMemory;
  if (idle) {
    const nested = idle.nestedEngine;
    out.push(`\nMemory per idle docker sandbox (${idle.sandboxes} sandboxes, each with its engine running and a shell open, nobody typing)`);
    out.push(
      table(
        idleMemoryRows(idle, {
          extra: [
            [
              "  of which the engine inside (dockerd + containerd): anonymous [PSS with mapped binaries]",
              nested ? `${mibValue(nested.anonMiB)} [${mibValue(nested.pssMiB)}]` : "n/a",
            ],
          ],
          engineLabel: "host's dockerd + containerd RSS growth",
        }),
      ),
    );
    out.push(`  ≈ ${idle.fitEstimate} more idle docker sandboxes fit in the ${idle.machine.memAvailableBeforeMiB} MiB available (of ${idle.machine.memTotalMiB} MiB);`);
    out.push(`    ${idle.fitWithPageCache} counting each one's whole cgroup usage with page cache (${mibValue(idle.totalWithPageCacheMiB)} per sandbox),`);
    out.push(`    ${idle.fitAtLimit} if each used its whole ${idle.memoryLimitMiB} MiB limit (SANDBOX_DOCKER_MEMORY_MB)`);
  }
  const compared = docker.comparedWithBaseline;
  if (compared) {
    out.push(`\nDocker sandboxes now and in the baseline run (${compared.file}, ${compared.date}); ratio above 1 is worse`);
    out.push(table([["", "before", "now", "ratio"], ...compared.figures.map((f) => [f.figure, String(f.before), String(f.now), `${f.ratio}×`])]));
  }
  return out;
}

export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const { machine, settings } = report;
  out.push(`sandbox-engine benchmark, ${report.date} (${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, Docker ${machine.docker}; ${report.durationSeconds} s)`);
  out.push(`load average (1 min) ${machine.loadAverage.start} at the start, ${machine.loadAverage.end} at the end`);
  out.push(`seconds per phase: ${Object.entries(report.phaseSeconds).map(([name, s]) => `${name} ${s}`).join(", ")}`);

  if (report.perLearnerCount.length > 0) {
    const header = ["", "N", "median", "p95", "p99", "samples"];
    out.push("\nTime to interactive prompt, ms (socket created → first output containing \"# \")");
    out.push(
      table([
        header,
        ...report.perLearnerCount.flatMap((f) => [
          summaryRow("cold (no pool)", f.learners, f.timeToPromptMs.cold),
          summaryRow("cold floor (Docker alone)", f.learners, f.timeToPromptMs.coldFloor),
          summaryRow("warm (pool of N)", f.learners, f.timeToPromptMs.warm),
        ]),
      ]),
    );
    out.push("  (cold floor: the same N containers created and started at once straight through the Docker API with the template's spec, a shell opened in each, until its prompt)");
    const partsRow = (label: string, n: number, p: PromptParts | null) =>
      p ? [label, String(n), ms(p.connectedMs), ms(p.sandboxOpenedMs), ms(p.terminalOpenedMs), ms(p.promptMs)] : [label, String(n), "–", "–", "–", "–"];
    out.push(
      table([
        ["where it went (medians, ms since the socket was created)", "N", "connected", "sandbox:open answered", "terminal:open answered", "prompt"],
        ...report.perLearnerCount.flatMap((f) => [partsRow("cold", f.learners, f.promptPartsMs.cold), partsRow("warm", f.learners, f.promptPartsMs.warm)]),
      ]),
    );
    out.push(
      table([
        ["", "N", "cold ÷ cold floor, median (target ≤ 1.2)", "p95"],
        ...report.perLearnerCount.map((f) => ["ratios", String(f.learners), times(f.ratios.promptColdOverFloor.median), times(f.ratios.promptColdOverFloor.p95)]),
      ]),
    );

    out.push(`\nKeystroke echo round trip, ms (all N terminals typing; ${settings.echoSamples} keystrokes each, ~${settings.thinkMs} ms apart)`);
    const cpu = (c: CpuShare | null) => (c ? `${c.clientPercent.toFixed(0)} / ${c.serverPercent === null ? "–" : c.serverPercent.toFixed(0)} / ${c.enginePercent.toFixed(0)}` : "–");
    const echoRow = (label: string, n: number, s: Summary | null, c: CpuShare | null) => [...summaryRow(label, n, s), cpu(c)];
    out.push(
      table([
        [...header, "CPU % client / server / engine"],
        ...report.perLearnerCount.flatMap((f) => [
          echoRow("platform", f.learners, f.echoMs.platform, f.echoCpu.platform),
          echoRow("floor (raw exec stream)", f.learners, f.echoMs.floor, f.echoCpu.floor),
          echoRow("relay (floor + a bare relay process)", f.learners, f.echoMs.relay, f.echoCpu.relay),
          echoRow(`wetty ${settings.wettyVersion}`, f.learners, f.echoMs.wetty, f.echoCpu.wetty),
        ]),
      ]),
    );
    out.push("  (CPU: % of one core meanwhile; client = the simulated browsers in this process, server = the service, the relay, or wetty with its pty children, engine = dockerd + containerd + shims)");
    out.push("  (relay: the floor's exec streams copied by a separate Node process over loopback TCP, no protocol at all: the least a process between browser and Docker costs)");
    out.push(
      table([
        ["", "N", "platform p99 / floor p99 (target ≤ 1.5)", "relay p99 / floor p99", "platform p99 / relay p99", "platform p99 / wetty p99"],
        ...report.perLearnerCount.map((f) => [
          "ratios",
          String(f.learners),
          times(f.ratios.echoP99PlatformOverFloor),
          times(f.ratios.echoP99RelayOverFloor),
          times(f.ratios.echoP99PlatformOverRelay),
          times(f.ratios.echoP99PlatformOverWetty),
        ]),
      ]),
    );
  }

  const flood = report.flood;
  if (flood) {
    const runs = (r: { mbPerSecond: number }[]) => r.map((x) => x.mbPerSecond.toFixed(1)).join(", ") || "–";
    const bytes = flood.platform[0]?.bytes ?? flood.floor[0]?.bytes;
    out.push(`\nOutput flood, MB/s (10^6 bytes): \`${flood.command}\`${bytes ? `, ${(bytes / 1e6).toFixed(1)} MB through the terminal` : ""}`);
    const memory = (p: FloodFigures["service"]) =>
      p ? `RSS ${p.beforeMiB.toFixed(1)} MiB before, peak ${p.peakMiB.toFixed(1)} MiB (sampled every 20 ms), VmHWM ${p.hwmMiB.toFixed(1)} MiB` : "";
    out.push(
      table([
        ["", "median", "runs", "process memory"],
        ["platform", flood.medianMBps.platform?.toFixed(1) ?? "–", runs(flood.platform), `service ${memory(flood.service)}`],
        ["floor (raw exec stream)", flood.medianMBps.floor?.toFixed(1) ?? "–", runs(flood.floor), ""],
        [`wetty ${settings.wettyVersion}`, flood.medianMBps.wetty?.toFixed(1) ?? "–", runs(flood.wetty), flood.wettyProcess ? `wetty ${memory(flood.wettyProcess)}` : ""],
      ]),
    );
    out.push(`  platform / wetty: ${times(flood.ratios.platformOverWetty)}   platform / floor: ${times(flood.ratios.platformOverFloor)}`);
  }

  const idle = report.idleMemory;
  if (idle) {
    out.push(`\nMemory per idle sandbox (${idle.sandboxes} sandboxes, each with its shell open, nobody typing)`);
    out.push(table(idleMemoryRows(idle)));
    out.push(`  ≈ ${idle.fitEstimate} more idle sandboxes fit in the ${idle.machine.memAvailableBeforeMiB} MiB available (of ${idle.machine.memTotalMiB} MiB)`);
  }

  const docker = report.dockerSandboxes;
  if (docker) out.push(...formatDockerSandboxes(docker));

  if (report.neighbours) out.push(...formatNeighbours(report.neighbours));

  if (report.errors.length > 0) out.push(`\nFailed phases:\n${report.errors.map((e) => `  - ${e}`).join("\n")}`);
  return out.join("\n");
}
