/**
 * A workshop's start: 50 simulated learners join within 10 s and each gets an interactive
 * prompt, solves a step and checks it while the instructor's dashboard follows.
 *
 *   pre-warmed  the service keeps the workshop's 50 sandboxes warm before anyone arrives
 *               (the pool's workshop demand: capacity − seats, read at every sweep)
 *   cold        the baseline in the same run: no pool and no workshop demand, so every
 *               learner's sandbox is created when it opens
 *
 * Figures: time to prompt p50/p95/max of both (and what pre-warming buys), how long
 * pre-warming 50 took and the dashboard's warmup figure when learners start, the
 * dashboard's update delay after a passed check (with a plain socket.io round trip on the
 * dashboard's socket measured meanwhile as its reference), and every failure. See
 * bench/README.md.
 *
 *   npm run bench:workshop            (npx tsx bench/workshop.ts; BENCH_WORKSHOP_* settings)
 *
 * Uses a fresh SQLite database in a temporary folder (migrated like production's), the
 * first lesson of the course and its first step (read from lessons/). Prints a table and
 * writes bench/results/workshop.json. Every container it creates carries
 * dojo.instance=<this run's instance> and is removed at the end, even on errors.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { attempts } from "./support/attempt";
import { startBenchRun } from "./support/bench-run";
import { measureWorkshopRun, type WorkshopRun } from "./support/phases/workshop";
import { REPO_ROOT } from "./support/service-process";
import { readWorkshopSettings, type WorkshopRunKind } from "./support/settings";
import { createInstructor, firstLesson, freshBenchDatabase } from "./support/workshop-fixture";
import { formatWorkshopReport, promptRatio, summarizeRuns, type WorkshopReport } from "./support/workshop-report";

const RESULT_FILE = path.join(REPO_ROOT, "bench", "results", "workshop.json");

async function main(): Promise<void> {
  const started = performance.now();
  const settings = readWorkshopSettings();
  const { ctx, cleanup, workDir, machine } = startBenchRun(settings, "dojo-bench-workshop-");

  // A failing run is recorded and the benchmark goes on with the next.
  const { errors, attempt } = attempts(ctx.progress);
  const runs: WorkshopRun[] = [];

  try {
    await ctx.engine.ping();
    const lesson = await firstLesson();
    const database = await freshBenchDatabase(workDir);
    cleanup.add("close the benchmark's database", () => database.close());
    const instructorId = await createInstructor(database.db);
    ctx.progress(
      `instance ${ctx.instance}; ${settings.learners} learners over ${settings.arrivalSeconds} s; lesson ${lesson.slug} (${lesson.template}), step ${lesson.step.id}; scratch files in ${workDir}`,
    );

    for (let round = 1; round <= settings.rounds; round++) {
      for (const kind of settings.runs) {
        const run = await attempt(`round ${round} ${kind}`, () => measureWorkshopRun(ctx, { kind, round, database, instructorId, lesson }));
        if (run) runs.push(run);
      }
    }

    const summaryOf = (kind: WorkshopRunKind) => summarizeRuns(runs.filter((r) => r.kind === kind));
    const [cold, prewarmed, preseated] = [summaryOf("cold"), summaryOf("prewarmed"), summaryOf("preseated")];
    const report: WorkshopReport = {
      benchmark: "workshop",
      date: new Date().toISOString(),
      durationSeconds: Math.round((performance.now() - started) / 1000),
      machine: await machine(),
      settings: { ...settings, lesson },
      summary: {
        cold,
        prewarmed,
        preseated,
        promptRatio: { prewarmed: promptRatio(prewarmed, cold), preseated: promptRatio(preseated, cold) },
      },
      prewarm: runs.flatMap((r) => (r.prewarm ? [r.prewarm] : [])),
      runs,
      errors,
    };
    console.log("\n" + formatWorkshopReport(report));
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(RESULT_FILE, JSON.stringify(report, null, 2) + "\n");
    console.log(`\nwritten to ${path.relative(process.cwd(), RESULT_FILE)}`);
  } finally {
    await cleanup.runAll();
    const learnerFailed = runs.some((run) => run.learners.some((learner) => learner.failure));
    if (errors.length === 0 && !learnerFailed) rmSync(workDir, { recursive: true, force: true });
    else console.log(`service logs and the database kept in ${workDir}`);
  }
}

await main();
