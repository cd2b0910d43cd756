/**
 * The sandbox engine under load, against two references measured in the same run:
 *
 *   platform  simulated learners (socket.io clients speaking shared/protocol.ts, a signed
 *             token and a learner id each) against the sandbox service in its own process
 *   floor     the raw Docker exec stream of the project's driver, no browser protocol
 *   wetty     wetty 3.2.0 (socket.io + xterm.js + node-pty), `docker exec -it … bash -l`
 *             per connection into identical containers
 *
 * Figures, for N = 1, 10, 50 concurrent learners (median, p95, p99): time to prompt cold
 * and warm, keystroke echo with N terminals open; then the output throughput of a flood,
 * with the service's peak memory; then memory per idle sandbox; then `docker` sandboxes
 * (a Docker engine inside): time until `docker info` answers, cold and warm, and their
 * memory when idle; then fair CPU: one learner's keystroke echo next to a fork bomb and next
 * to a CPU spinner, as ratios to a quiet neighbour. See bench/README.md.
 *
 *   npx tsx bench/sandbox-engine.ts            (BENCH_QUICK=1: N = 1 and 10, fewer samples)
 *   BENCH_ONLY=docker npx tsx bench/sandbox-engine.ts   (only some phases: learners, flood, idle-memory, docker, neighbours)
 *
 * Prints a table and writes bench/results/sandbox-engine.json (with BENCH_ONLY:
 * sandbox-engine-<phases>.json, so a partial run does not replace the full figures). Every
 * container it creates carries dojo.instance=<this run's instance> and is removed at the
 * end, even on errors.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureWetty, WETTY_VERSION, wettyUnavailableReason } from "./peers/wetty-server";
import { startBenchRun } from "./support/bench-run";
import { attempts } from "./support/attempt";
import { measureDockerSandboxes } from "./support/phases/docker-sandboxes";
import { measureFlood } from "./support/phases/flood";
import { measureIdleMemory } from "./support/phases/idle-memory";
import { measureNeighbours } from "./support/phases/neighbours";
import { measurePlatform } from "./support/phases/platform";
import { measureFloorAndRelayEcho, measureFloorCold, measureWettyEcho } from "./support/phases/references";
import { dockerSandboxReport, floodReport, formatReport, learnerFigures, neighbourReport, type BenchReport, type LearnerFigures } from "./support/report";
import { REPO_ROOT } from "./support/service-process";
import { PHASES, readSettings, type Settings } from "./support/settings";

const RESULTS_DIR = path.join(REPO_ROOT, "bench", "results");

/** sandbox-engine.json for a full run; a run of some phases only gets a file of its own. */
function resultFile(settings: Settings): string {
  const partial = settings.only.length < PHASES.length;
  return path.join(RESULTS_DIR, partial ? `sandbox-engine-${settings.only.join("-")}.json` : "sandbox-engine.json");
}

async function main(): Promise<void> {
  const started = performance.now();
  const settings = readSettings();
  const runs = (name: (typeof PHASES)[number]) => settings.only.includes(name);
  const { ctx, cleanup, workDir, machine } = startBenchRun(settings, "dojo-bench-");

  // A failing phase is recorded and the benchmark goes on with the next.
  const { errors, seconds: phaseSeconds, attempt: phase } = attempts(ctx.progress);

  try {
    await ctx.engine.ping();
    ctx.progress(`instance ${ctx.instance}; N = ${settings.learners.join(", ")}; phases ${settings.only.join(", ")}; scratch files in ${workDir}`);
    // Only the learners and flood phases use wetty.
    if (settings.wetty && (runs("learners") || runs("flood"))) {
      const unavailable = wettyUnavailableReason();
      if (unavailable) errors.push(`wetty skipped: ${unavailable}`);
      settings.wetty = !unavailable && (await phase("installing wetty", ensureWetty)) !== null;
    }

    const perLearnerCount: LearnerFigures[] = [];
    for (const n of runs("learners") ? settings.learners : []) {
      const platform = await phase(`N=${n} platform`, () => measurePlatform(ctx, n));
      const coldFloor = await phase(`N=${n} cold floor`, () => measureFloorCold(ctx, n));
      const references = await phase(`N=${n} floor and relay echo`, () => measureFloorAndRelayEcho(ctx, n));
      const wetty = settings.wetty ? await phase(`N=${n} wetty echo`, () => measureWettyEcho(ctx, n)) : null;
      perLearnerCount.push(
        learnerFigures(n, platform && { cold: platform.promptColdMs, warm: platform.promptWarmMs, coldParts: platform.promptColdParts, warmParts: platform.promptWarmParts }, coldFloor, { platform: platform?.echo, floor: references?.floor, relay: references?.relay, wetty }),
      );
    }
    const flood = runs("flood") ? await phase("flood", () => measureFlood(ctx)) : null;
    const idleMemory = runs("idle-memory") ? await phase("idle memory", () => measureIdleMemory(ctx)) : null;
    const docker = runs("docker") ? await phase("docker sandboxes", () => measureDockerSandboxes(ctx)) : null;
    if (docker) errors.push(...docker.errors.map((error) => `docker sandboxes, ${error}`));
    const neighbours = runs("neighbours") ? await phase("noisy neighbours", () => measureNeighbours(ctx)) : null;

    const report: BenchReport = {
      benchmark: "sandbox-engine",
      date: new Date().toISOString(),
      durationSeconds: Math.round((performance.now() - started) / 1000),
      machine: await machine(),
      settings: { ...settings, wettyVersion: WETTY_VERSION },
      perLearnerCount,
      flood: flood ? floodReport(flood) : null,
      idleMemory,
      dockerSandboxes: docker ? dockerSandboxReport(docker, readDockerBaseline()) : null,
      neighbours: neighbours ? neighbourReport(neighbours) : null,
      phaseSeconds,
      errors,
    };
    console.log("\n" + formatReport(report));
    const file = resultFile(settings);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
  } finally {
    await cleanup.runAll();
    if (errors.length === 0) rmSync(workDir, { recursive: true, force: true });
    else console.log(`service and wetty logs kept in ${workDir}`);
  }
}

await main();

/**
 * An earlier run's docker figures to print beside this run's (BENCH_DOCKER_BASELINE; by
 * default the run kept from before user namespaces, issue 11). Absent: no comparison.
 */
function readDockerBaseline(): { file: string; report: BenchReport } | undefined {
  const file = process.env.BENCH_DOCKER_BASELINE ?? "bench/results/baselines/docker-sandboxes-before-userns.json";
  if (!existsSync(file)) return undefined;
  return { file, report: JSON.parse(readFileSync(file, "utf8")) as BenchReport };
}
