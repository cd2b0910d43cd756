/**
 * `npm run lessons:test`: proves every lesson in real sandboxes of its template, with the
 * checks run exactly as for learners (sandbox-service/src/checks).
 *
 * - **Walk-through**, one sandbox per lesson: on the fresh sandbox every check FAILS (a check
 *   that passes before anything was done passes by accident); then step by step, in order,
 *   each check FAILS before its solve script and PASSES after.
 * - **Shortcuts** (`shortcuts:` of a step): each runs in a sandbox of its own in which the
 *   earlier steps' solve scripts ran, i.e. where a learner stands when they reach the step
 *   (only the steps it `needs`, when the lesson says; or, with `fresh: true`, none: a cheat
 *   that skips the lesson).
 *   The shortcut must succeed as a script (one that errors proves nothing), then the check
 *   must FAIL and say what is missing.
 * - **Alternatives** (`alternatives:`): the same, but the check must PASS.
 *
 * - **Machines** (`machines: N`): each test gets all N machines of a fresh learner, on their
 *   private network, as the lesson page opens them; a script in parts runs each part on its
 *   machine, and checks are asked from node1 and run where the step says (`machine:`), as
 *   the service does for a learner.
 *
 * Why a sandbox per variant: a shortcut's leftovers (a container called `hello` that never
 * printed anything, a hand-written log) would change what the next one or the real solve
 * meets, so sharing a sandbox would prove less than it claims. A fresh docker sandbox costs
 * about a second and ~70 MiB; replaying the earlier steps costs what their solves cost,
 * which is why a step that works on nothing of the earlier ones says so (`needs: []`).
 * Tests run concurrently, lessons and variants alike, at most `maxConcurrency` at a time
 * (vitest.config.ts, lessons project).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServiceConfig } from "../../shared/config";
import { loadLessons, stepsNeededBefore, type Lesson } from "../../shared/lessons/loader";
import { scriptParts, type LessonScript, type LessonStep, type StepVariant } from "../../shared/lessons/schema";
import { machineLesson } from "../../shared/playground";
import { CheckRunner } from "../../sandbox-service/src/checks/check-runner";
import { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { silentLogger } from "../../sandbox-service/src/log/logger";
import { startSandboxService, type RunningService } from "../../sandbox-service/src/service";
import type { Sandbox } from "../../sandbox-service/src/sessions/sandbox";
import { instanceSelector } from "../../sandbox-service/src/sessions/identity";
import { PlatformRegistry } from "../../sandbox-service/src/registry/platform-registry";

const lessons: Lesson[] = await loadLessons();
const config = loadServiceConfig({
  ...process.env,
  DOJO_SECRET: "lesson-tests-secret-0123456789abcdef",
  DOJO_INSTANCE: `lessons-${randomBytes(3).toString("hex")}`,
  SANDBOX_PORT: "0",
  SANDBOX_POOL_SIZE: "0",
  SANDBOX_DOCKER_POOL_SIZE: "0",
});
const engine = new DockerEngine(config.DOCKER_HOST);
// The learner's limits: a check that needs longer than learners get fails here too.
const checks = new CheckRunner(engine, null, silentLogger, {
  timeoutMs: config.CHECK_TIMEOUT_SECONDS * 1000,
  maxConcurrent: config.SANDBOX_MAX_CONCURRENT_CHECKS,
  machines: (learner, session) => service.manager.machines(learner, session),
});
let service: RunningService;

/** A solve may pull and build; longer than this, something is stuck. */
const SCRIPT_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  service = await startSandboxService(config, { engine, log: silentLogger, database: null, sweepIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await service?.close();
  for (const container of await engine.list(instanceSelector(config.DOJO_INSTANCE))) await engine.remove(container.id);
});

/** A learner's machines in one lesson by name: node1 alone for a one-sandbox lesson. */
type Machines = ReadonlyMap<string, Sandbox>;

/** A fresh sandbox (or all N machines) for the lesson, as a new learner gets it; removed after `use`, whatever happens. */
async function withSandbox<T>(lesson: Lesson, use: (machines: Machines) => Promise<T>): Promise<T> {
  const learner = `lesson-test-${randomBytes(6).toString("hex")}`;
  const names = Array.from({ length: lesson.meta.machines }, (_, i) => `node${i + 1}`);
  const lessonOf = (machine: string) => (lesson.meta.machines > 1 ? machineLesson(machine, lesson.meta.slug) : lesson.meta.slug);
  const opened = await Promise.allSettled(names.map((machine) => service.manager.open({ learner, lesson: lessonOf(machine), template: lesson.meta.template }, () => {})));
  const machines = new Map<string, Sandbox>();
  opened.forEach((result, i) => result.status === "fulfilled" && machines.set(names[i]!, result.value));
  try {
    const failed = opened.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return await use(machines);
  } finally {
    for (const sandbox of machines.values()) await service.manager.remove(sandbox, "reset");
  }
}

/** The sandbox the page of node1 shows, where checks are asked from (they run on their step's machine). */
const first = (machines: Machines) => machines.get("node1")!;

/**
 * Runs a script as a careful learner types it, stopping at the first command that fails
 * (`bash -e`: a failure halfway must not hide behind a last command that succeeds); fails
 * the test, with its output, if it does not succeed. A command expected to fail says so:
 * `docker run … || [ $? = 3 ]`.
 */
async function runScript(machines: Machines, script: LessonScript, machine: string, what: string): Promise<void> {
  for (const part of scriptParts(script, machine)) {
    const on = lessonHasMachines(machines) ? ` (on ${part.machine})` : "";
    const result = await engine.run(machines.get(part.machine)!.id, { cmd: ["bash", "-e", "-c", part.script], timeoutMs: SCRIPT_TIMEOUT_MS });
    const output = `${result.stdout}\n${result.stderr}`.trim().slice(-2000);
    expect(result.exitCode, `${what}${on} ${result.exitCode === null ? "did not finish" : "failed"}:\n${output}`).toBe(0);
  }
}

const lessonHasMachines = (machines: Machines) => machines.size > 1;

/** Stands where a learner stands on reaching `steps[index]`: the earlier steps it needs solved. */
async function solveStepsBefore(lesson: Lesson, machines: Machines, index: number): Promise<void> {
  for (const earlier of stepsNeededBefore(lesson.meta.steps, index).map((i) => lesson.meta.steps[i]!)) {
    await runScript(machines, earlier.solve, earlier.machine, `${lesson.meta.file}, step ${earlier.id}: the solve script (run to reach a later step)`);
  }
}

function variantsOf(lesson: Lesson) {
  return lesson.meta.steps.flatMap((step, index) => [
    ...step.shortcuts.map((variant) => ({ kind: "shortcut" as const, step, index, variant })),
    ...step.alternatives.map((variant) => ({ kind: "alternative" as const, step, index, variant })),
  ]);
}

async function tryVariant(lesson: Lesson, kind: "shortcut" | "alternative", step: LessonStep, index: number, variant: StepVariant): Promise<string> {
  const where = `${lesson.meta.file}, step ${step.id}, ${kind} "${variant.name}"`;
  return withSandbox(lesson, async (machines) => {
    if (!variant.fresh) await solveStepsBefore(lesson, machines, index);
    await runScript(machines, variant.script, step.machine, `${where}: the script`);
    const result = await checks.run(first(machines), step.id);
    if (kind === "shortcut") {
      expect(result.passed, `${where}: the check accepts this shortcut`).toBe(false);
      expect(result.message, `${where}: the check refuses it without saying what is missing`).not.toBe("");
    } else {
      expect(result.passed, `${where}: the check refuses this right answer: ${result.message}`).toBe(true);
    }
    return result.message;
  });
}

describe.concurrent.each(lessons.map((lesson) => [lesson.meta.slug, lesson] as const))("lesson %s", (_slug, lesson) => {
  it("has steps", () => {
    expect(lesson.meta.steps.length).toBeGreaterThan(0);
  });

  it("has a step the learner types: some line of its solve is in no Run button", () => {
    const words = (text: string) => text.replace(/\s+/g, " ").trim();
    const runs = [...lesson.body.matchAll(/<Run\b[^>]*>([\s\S]*?)<\/Run>/g)].map((m) => words(m[1]!.replace(/^\s*\{`|`\}\s*$/g, "")));
    const typed = lesson.meta.steps.filter((step) =>
      scriptParts(step.solve, step.machine)
        .flatMap((part) => part.script.split("\n"))
        .map(words).some((line) => line !== "" && !line.startsWith("#") && !runs.some((run) => run.includes(line))),
    );
    expect(typed.map((s) => s.id), `${lesson.meta.file}: every step's solve can be done with Run buttons alone`).not.toEqual([]);
  });

  it("lists images the platform registry has (sandboxes cannot fetch any other)", async () => {
    const availability = await new PlatformRegistry(config.DOJO_REGISTRY_SOCKET_DIR).availability(lesson.meta.images);
    expect(availability.images.filter((i) => !i.ready).map((i) => i.image), `${lesson.meta.file}: images missing from the platform registry`).toEqual([]);
  });

  it("walk-through: every check fails on a fresh sandbox, and before its step, and passes after its solve", async () => {
    await withSandbox(lesson, async (machines) => {
      const sandbox = first(machines);
      for (const step of lesson.meta.steps) {
        const fresh = await checks.run(sandbox, step.id);
        expect(fresh.passed, `${lesson.meta.file}, step ${step.id}: the check passes on a fresh sandbox, before anything was done`).toBe(false);
      }
      for (const step of lesson.meta.steps) {
        const before = await checks.run(sandbox, step.id);
        expect(before.passed, `${lesson.meta.file}, step ${step.id}: the check passes before the step is done`).toBe(false);
        expect(before.message, `${lesson.meta.file}, step ${step.id}: a failing check should say what is missing`).not.toBe("");
        await runScript(machines, step.solve, step.machine, `${lesson.meta.file}, step ${step.id}: the solve script`);
        const after = await checks.run(sandbox, step.id);
        expect(after.passed, `${lesson.meta.file}, step ${step.id}: the check fails after the solve script: ${after.message}`).toBe(true);
      }
    });
  });

  for (const { kind, step, index, variant } of variantsOf(lesson)) {
    const verb = kind === "shortcut" ? "refuses" : "accepts";
    it(`step ${step.id} ${verb}: ${variant.name}`, async ({ annotate }) => {
      const message = await tryVariant(lesson, kind, step, index, variant);
      // What the learner who tried it reads (shown by --reporter=verbose), to review the wording.
      if (message) await annotate(message);
    });
  }
});
