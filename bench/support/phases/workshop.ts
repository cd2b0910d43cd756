/**
 * One run of a workshop: N learners arrive at evenly spread times over a few seconds, each
 * gets a prompt, solves a step in its terminal and asks for the check, while the
 * instructor's dashboard follows. Three kinds of run, each against a fresh service process
 * with a database of the benchmark's own:
 *
 *   cold        the baseline: SANDBOX_POOL_SIZE=0 and no workshop demand (the workshop's N
 *               seats are taken before the service starts, then its opening is moved a day
 *               ahead, beyond the pre-warming lead time, so the service keeps nothing warm
 *               for it): every sandbox:open creates a container.
 *   prewarmed   SANDBOX_POOL_SIZE=0; the workshop (capacity N, open now) is created once the
 *               service runs, so the service's next sweep sees its demand (capacity − seats)
 *               and fills the warm pool with N sandboxes, as it would in the half hour before
 *               a workshop. Learners arrive once the pool holds N and the dashboard has said
 *               so; each joins (takes a seat) right before it connects, as when a room of
 *               people type the code from the projector and land on the lesson.
 *   preseated   as prewarmed, but every learner takes the seat before the arrivals (joined
 *               early, opens the lesson later): the same warm pool without the joins'
 *               database writes during the arrivals.
 *
 * Seats are taken by a process of their own standing in for the web app (join-child.ts):
 * the SQLite driver is synchronous, and its waits must not stall the simulated browsers'
 * clock in this process (the cold run seats everyone before anything is measured).
 *
 * Per learner: time to prompt (socket created → first output containing "# "), the solve
 * script typed into its terminal until a marker echoed after it, check:run → its ack, and
 * the dashboard's delay: the ack's arrival (passed) → the arrival, on the dashboard's
 * socket, of that learner's row with a higher stepsPassed (one process, one clock; can be
 * slightly negative, the two messages travel on different sockets). Meanwhile the dashboard
 * times plain round trips (workshop:unshadow) as the reference for that delay. Whatever
 * fails is recorded per learner, at the stage it failed, never dropped.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import { endWorkshop, type Workshop } from "../../../shared/db/workshops";
import type { DashboardWarmup } from "../../../shared/protocol";
import { newLearnerId } from "../../../shared/token";
import { instanceSelector } from "../../../sandbox-service/src/sessions/identity";
import { DashboardClient } from "../../peers/dashboard-client";
import { connectDojoLearner, type DojoLearner } from "../../peers/dojo-client";
import type { BenchContext } from "../bench-context";
import { withService } from "../bench-context";
import { containersLabelled } from "../docker-cli";
import { meterCpu, type CpuShare } from "../proc-cpu";
import type { ServiceProcess } from "../service-process";
import type { WorkshopRunKind, WorkshopSettings } from "../settings";
import { jitter, sleep } from "../timing";
import { JoinProcess } from "../join-process";
import { loopDelayMonitor } from "../loop-delay";
import type { LoopDelay } from "../service-ipc";
import { openWorkshop, seat, type BenchDatabase, type Seated, type WorkshopLesson } from "../workshop-fixture";

export type { WorkshopRunKind } from "../settings";

/** Socket created → prompt; generous: a cold start of N at once on 2 busy cores takes a while. */
const PROMPT_TIMEOUT_MS = 180_000;
const SOLVE_TIMEOUT_MS = 60_000;
/** The check itself is limited to 20 s by the service (checks/check-runner.ts). */
const CHECK_TIMEOUT_MS = 60_000;
const ROW_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 10_000;
const POOL_POLL_MS = 250;

export type FailureStage = "join" | "prompt" | "solve" | "check" | "dashboard";

export interface LearnerOutcome {
  index: number;
  /** Seating in the database (joinWorkshop, the attempt that succeeded), ms; pre-warmed runs only (cold ones seat everyone beforehand). */
  joinMs: number | null;
  /** Join attempts that failed with an error and were made again (see workshop-fixture.ts seat()). */
  joinErrors: string[];
  timeToPromptMs: number | null;
  /** Of the time to prompt: socket created → connected, → sandbox:open answered, → terminal:open answered (cumulative, ms). */
  marks: { connectedMs: number; sandboxOpenedMs: number; terminalOpenedMs: number } | null;
  /** The learner's sandbox (container id). */
  sandboxId: string | null;
  /** The service created this learner's sandbox (it reported phase "creating"): no pooled one was ready. */
  createdCold: boolean | null;
  /** Solve script typed → the marker echoed after it. */
  solveMs: number | null;
  /** check:run sent → its ack. */
  checkMs: number | null;
  /** check:run ack (passed) → the dashboard's row with more steps passed. */
  dashboardDelayMs: number | null;
  failure: { stage: FailureStage; message: string } | null;
}

export interface PrewarmFigures {
  /** Workshop created → the pool's target first included its demand (the next sweep). */
  demandSeenMs: number | null;
  /** Workshop created → the pool held `target` ready sandboxes; null if it never did in time. */
  filledMs: number | null;
  ready: number;
  target: number;
  /** Workshop created → the dashboard's warmup first said ready ≥ target (sent at a sweep); null if not in time. */
  dashboardSaidReadyMs: number | null;
  /** Every workshop:warmup the dashboard received while pre-warming: ms since the workshop was created. */
  warmups: Array<{ ms: number } & DashboardWarmup>;
}

export interface WorkshopRun {
  kind: WorkshopRunKind;
  round: number;
  prewarm: PrewarmFigures | null;
  /** Pre-seated runs: how long seating every learner took, one after the other, before the arrivals (s). */
  seatedBeforehandSeconds: number | null;
  /** The dashboard's warmup figure when the first learner started joining (last workshop:warmup, else the snapshot's). */
  warmupAtJoin: DashboardWarmup;
  learners: LearnerOutcome[];
  /** Plain round trips on the dashboard's socket while the learners were at work, ms. */
  roundTripMs: number[];
  roundTripFailures: number;
  /** CPU while the learners were at work: clients (this process), service, engine. */
  cpu: CpuShare;
  loadAverage: { start: number; end: number };
  /**
   * I/O pressure when the learners started and finished: % of the last 10 s in which some
   * task waited for the disk (/proc/pressure/io, "some avg10"); null where the kernel has no PSI.
   * The service's SQLite writes wait for the disk with its event loop stopped.
   */
  ioPressure: { start: number | null; end: number | null };
  /** First learner's arrival → every learner done (or failed), s. */
  durationSeconds: number;
  /** Containers of the run's instance beyond the learners' own at the end (pool sandboxes made during the arrivals). */
  extraContainers: number;
  /**
   * Event-loop delay while the learners were at work: of the service, and of this process
   * (the simulated browsers and the dashboard: a stall here delays their timestamps).
   */
  loopDelay: { service: LoopDelay; clients: LoopDelay };
  /** Warnings and errors the service logged during the run: how many, and a few distinct ones. */
  serviceWarnings: { count: number; examples: string[] };
}

export interface WorkshopRunOptions {
  kind: WorkshopRunKind;
  round: number;
  database: BenchDatabase;
  instructorId: string;
  lesson: WorkshopLesson;
}

export async function measureWorkshopRun(ctx: BenchContext<WorkshopSettings>, options: WorkshopRunOptions): Promise<WorkshopRun> {
  const { settings } = ctx;
  const { db } = options.database;
  const n = settings.learners;
  const learnerIds = Array.from({ length: n }, () => newLearnerId());
  const title = `Benchmark ${options.kind} round ${options.round}`;
  const label = `round ${options.round} ${options.kind}`;

  // Cold: every seat is taken before the service starts, then the workshop is moved to
  // tomorrow: too far ahead to pre-warm for, while its dashboard and seats work as before.
  let workshop: Workshop | undefined;
  if (options.kind === "cold") {
    workshop = await openWorkshop(db, options.instructorId, options.lesson, n, title);
    for (const [i, id] of learnerIds.entries()) await seat(db, workshop, id, `Learner ${i + 1}`);
    const day = 24 * 60 * 60 * 1000;
    await db.workshop.update({ where: { id: workshop.id }, data: { opensAt: new Date(Date.now() + day), closesAt: new Date(Date.now() + day + 2 * 60 * 60 * 1000) } });
  }

  try {
    return await withService(
      ctx,
      0,
      async (service) => {
        // Pre-warmed: the workshop appears while the service runs, as one scheduled for later would come near.
        const created = performance.now();
        workshop ??= await openWorkshop(db, options.instructorId, options.lesson, n, title);
        const open = workshop;
        const dashboard = await DashboardClient.connect({ url: service.url, secret: ctx.secret, instructorId: options.instructorId, workshopId: open.id });
        const learners: DojoLearner[] = [];
        const probe = probeRoundTrips(dashboard, settings.probeIntervalMs);
        // Learners take their seats through the web app's stand-in: during the arrivals (pre-warmed) or before them (pre-seated).
        const joiner = options.kind === "cold" ? null : await JoinProcess.start(options.database.url);
        const stopJoiner = ctx.cleanup.add("stop the join process", () => joiner?.stop());
        try {
          let prewarm: PrewarmFigures | null = null;
          if (joiner) {
            ctx.progress(`${label}: workshop created; pre-warming ${n} sandboxes`);
            prewarm = await prewarmed(ctx, service, dashboard, options.lesson.template, n, created);
            ctx.progress(
              `${label}: pool holds ${prewarm.ready} of ${prewarm.target}` +
                (prewarm.filledMs === null ? " (not full in time)" : ` after ${(prewarm.filledMs / 1000).toFixed(1)} s`) +
                `; the dashboard says ${dashboard.warmups.at(-1)?.value.ready ?? "–"} of ${dashboard.warmups.at(-1)?.value.target ?? "–"}`,
            );
          }
          let seatedBeforehandSeconds: number | null = null;
          if (options.kind === "preseated" && joiner) {
            const seating = performance.now();
            for (const [i, id] of learnerIds.entries()) await joiner.seat(open.code, id, `Learner ${i + 1}`);
            seatedBeforehandSeconds = Math.round((performance.now() - seating) / 100) / 10;
            // Two sweeps: seated learners who have not arrived keep their warm sandboxes.
            ctx.progress(`${label}: ${n} learners seated in ${seatedBeforehandSeconds} s; waiting two sweeps`);
            await sleep(2 * settings.sweepSeconds * 1000 + 1000);
          }
          const warmupAtJoin = dashboard.warmups.at(-1)?.value ?? dashboard.snapshot.warmup;

          ctx.progress(`${label}: ${n} learners arriving over ${settings.arrivalSeconds} s`);
          const loadStart = os.loadavg()[0]!;
          const ioStart = ioPressure();
          const stopCpu = meterCpu(service.pid);
          await service.loopDelay(); // starts the service's count anew
          const clientLoop = loopDelayMonitor();
          // Round trips count from here: only those made while the learners are at work.
          probe.reset();
          const spacingMs = (settings.arrivalSeconds * 1000) / n;
          const start = performance.now();
          const outcomes = await Promise.all(
            learnerIds.map(async (learnerId, index) => {
              await sleep(start + index * spacingMs - performance.now());
              return learnerAtWork({
                index,
                learnerId,
                join: options.kind === "prewarmed" && joiner ? (id, name) => joiner.seat(open.code, id, name) : null,
                workshop: open,
                lesson: options.lesson,
                service,
                secret: ctx.secret,
                dashboard,
                connected: (learner) => learners.push(learner),
              });
            }),
          );
          const durationSeconds = (performance.now() - start) / 1000;
          const roundTrips = await probe.stop();
          const cpu = stopCpu();
          const loopDelay = { service: await service.loopDelay(), clients: clientLoop.take() };
          clientLoop.stop();
          const containers = await containersLabelled(instanceSelector(ctx.instance));
          const failed = outcomes.filter((o) => o.failure).length;
          ctx.progress(`${label}: done in ${durationSeconds.toFixed(1)} s; ${failed} of ${n} learners failed`);
          return {
            kind: options.kind,
            round: options.round,
            prewarm,
            seatedBeforehandSeconds,
            warmupAtJoin,
            learners: outcomes,
            roundTripMs: roundTrips.samples,
            roundTripFailures: roundTrips.failures,
            cpu,
            loadAverage: { start: round2(loadStart), end: round2(os.loadavg()[0]!) },
            ioPressure: { start: ioStart, end: ioPressure() },
            durationSeconds: Math.round(durationSeconds * 10) / 10,
            extraContainers: Math.max(0, containers.length - learners.length),
            loopDelay,
            serviceWarnings: serviceWarnings(service.logFile),
          };
        } finally {
          await probe.stop();
          await stopJoiner();
          for (const learner of learners) learner.terminal.close();
          dashboard.close();
        }
      },
      { databaseUrl: options.database.url, sweepIntervalSeconds: settings.sweepSeconds },
    );
  } finally {
    // Ended, so no later service of this run sees it as demand.
    if (workshop) await endWorkshop(db, workshop.id);
  }
}

/** Waits until the pool holds `capacity` ready sandboxes and the dashboard has said so (each with a deadline). */
async function prewarmed(
  ctx: BenchContext<WorkshopSettings>,
  service: ServiceProcess,
  dashboard: DashboardClient,
  template: string,
  capacity: number,
  created: number,
): Promise<PrewarmFigures> {
  if (template !== "shell" && template !== "docker") throw new Error(`unknown template ${template}`);
  // Creating one sandbox takes well under a second on a quiet machine; a busy one, seconds.
  const deadline = created + 60_000 + capacity * 10_000;
  let demandSeenMs: number | null = null;
  let filledMs: number | null = null;
  let state = { ready: 0, target: 0 };
  while (performance.now() < deadline) {
    state = await service.poolState(template);
    const at = performance.now() - created;
    if (demandSeenMs === null && state.target >= capacity) demandSeenMs = at;
    if (demandSeenMs !== null && state.ready >= state.target) {
      filledMs = at;
      break;
    }
    await sleep(POOL_POLL_MS);
  }
  // The dashboard hears the warmup at the sweep after the fill (a sweep waits for the fill it started).
  const said = await dashboard.warmedUp(3 * ctx.settings.sweepSeconds * 1000 + 15_000);
  const first = dashboard.warmups.find((w) => w.value.ready >= w.value.target);
  return {
    demandSeenMs: demandSeenMs === null ? null : Math.round(demandSeenMs),
    filledMs: filledMs === null ? null : Math.round(filledMs),
    ready: state.ready,
    target: state.target,
    dashboardSaidReadyMs: said && first ? Math.round(first.at - created) : null,
    warmups: dashboard.warmups.map((w) => ({ ms: Math.round(w.at - created), ...w.value })),
  };
}

interface LearnerPlan {
  index: number;
  learnerId: string;
  /** Takes the seat first (pre-warmed runs), as a learner entering the code right before opening the lesson; null: seated already. */
  join: ((learnerId: string, displayName: string) => Promise<Seated>) | null;
  workshop: Workshop;
  lesson: WorkshopLesson;
  service: ServiceProcess;
  secret: string;
  dashboard: DashboardClient;
  connected(learner: DojoLearner): void;
}

/** One learner: join, connect until the prompt, solve the step, check it, and see the dashboard follow. */
async function learnerAtWork(plan: LearnerPlan): Promise<LearnerOutcome> {
  const outcome: LearnerOutcome = {
    index: plan.index,
    joinMs: null,
    joinErrors: [],
    timeToPromptMs: null,
    marks: null,
    sandboxId: null,
    createdCold: null,
    solveMs: null,
    checkMs: null,
    dashboardDelayMs: null,
    failure: null,
  };
  let stage: FailureStage = "join";
  try {
    if (plan.join) {
      // Throws when every attempt failed (the errors are in its message) or the seat is refused.
      const seated = await plan.join(plan.learnerId, `Learner ${plan.index + 1}`);
      outcome.joinMs = round2(seated.ms);
      outcome.joinErrors = seated.errors;
    }

    stage = "prompt";
    const learner = await connectDojoLearner({
      url: plan.service.url,
      secret: plan.secret,
      template: plan.lesson.template,
      learnerId: plan.learnerId,
      lesson: plan.lesson.slug,
      workshop: plan.workshop.id,
      timeoutMs: PROMPT_TIMEOUT_MS,
    });
    plan.connected(learner);
    outcome.timeToPromptMs = round2(learner.timeToPromptMs);
    outcome.marks = {
      connectedMs: round2(learner.marks.connectedMs),
      sandboxOpenedMs: round2(learner.marks.sandboxOpenedMs),
      terminalOpenedMs: round2(learner.marks.terminalOpenedMs),
    };
    outcome.sandboxId = learner.sandboxId;
    outcome.createdCold = learner.phases.includes("creating");

    // Typed as a learner pastes it, then a marker whose command line spells it with an
    // empty quote in the middle, so only its output matches.
    stage = "solve";
    const tag = randomBytes(4).toString("hex");
    const solved = learner.terminal.output.expect(`SOLVED${tag}DONE`, SOLVE_TIMEOUT_MS);
    const typed = performance.now();
    learner.terminal.send(`${plan.lesson.step.solve.trim().split("\n").join("\r")}\recho SOLVED${tag}""DONE\r`);
    outcome.solveMs = round2((await solved) - typed);

    stage = "check";
    const rowsBefore = plan.dashboard.rows.length;
    const stepsBefore = plan.dashboard.latestRow(plan.learnerId)?.stepsPassed ?? 0;
    const sent = performance.now();
    const answer = await learner.checkRun(plan.lesson.step.id, CHECK_TIMEOUT_MS);
    const ackAt = performance.now();
    outcome.checkMs = round2(ackAt - sent);
    if (!answer.ok) throw new Error(`check:run refused: ${answer.error.message}`);
    if (!answer.value.passed) throw new Error(`the check did not pass: ${answer.value.message}`);

    stage = "dashboard";
    const row = await plan.dashboard.rowWhere(plan.learnerId, (r) => r.stepsPassed > stepsBefore, rowsBefore, ROW_TIMEOUT_MS);
    outcome.dashboardDelayMs = round2(row.at - ackAt);
  } catch (error) {
    outcome.failure = { stage, message: oneLine(error instanceof Error ? error.message : String(error)) };
  }
  return outcome;
}

/** Times workshop:unshadow round trips one after another (jittered pauses) until stopped. */
function probeRoundTrips(dashboard: DashboardClient, intervalMs: number) {
  let samples: number[] = [];
  let failures = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        samples.push(round2(await dashboard.roundTrip(PROBE_TIMEOUT_MS)));
      } catch {
        failures++;
      }
      await sleep(jitter(intervalMs));
    }
  })();
  return {
    /** Forgets what was measured so far. */
    reset() {
      samples = [];
      failures = 0;
    },
    async stop(): Promise<{ samples: number[]; failures: number }> {
      stopped = true;
      await loop;
      return { samples, failures };
    },
  };
}

/** The service's log lines at level warn or error (consoleLogger: `<time> <level> <message> {fields}`). */
function serviceWarnings(logFile: string): { count: number; examples: string[] } {
  const lines = readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => / (warn|error) /.test(line.slice(0, 40)));
  // Without the time stamp, so repeats of one warning show once.
  const examples = [...new Set(lines.map((line) => line.replace(/^\S+ /, "").slice(0, 300)))].slice(0, 5);
  return { count: lines.length, examples };
}

/** "some avg10" of /proc/pressure/io (% of the last 10 s some task waited for I/O), or null without PSI. */
function ioPressure(): number | null {
  try {
    const match = /^some avg10=([\d.]+)/m.exec(readFileSync("/proc/pressure/io", "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** A multi-line message (Prisma's quote the call site) as its first and last lines. */
function oneLine(message: string): string {
  const lines = message.trim().split("\n").map((line) => line.trim()).filter(Boolean);
  return lines.length > 1 ? `${lines[0]} … ${lines.at(-1)}` : (lines[0] ?? "");
}

const round2 = (x: number) => Math.round(x * 100) / 100;
