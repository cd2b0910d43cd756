/**
 * `npm run lessons:test`: proves every lesson in a real sandbox of its template. First, on
 * the fresh sandbox, every check must FAIL (a check that passes before anything was done
 * passes by accident). Then step by step, in order, each step's check must FAIL before its
 * solve script runs (a check that cannot fail is a broken lesson) and PASS after. Checks
 * run exactly as for learners (sandbox-service/src/checks).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServiceConfig } from "../../shared/config";
import { loadLessons, type Lesson } from "../../shared/lessons/loader";
import { CheckRunner } from "../../sandbox-service/src/checks/check-runner";
import { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { silentLogger } from "../../sandbox-service/src/log/logger";
import { startSandboxService, type RunningService } from "../../sandbox-service/src/service";
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
const checks = new CheckRunner(engine, null, silentLogger, { timeoutMs: config.CHECK_TIMEOUT_SECONDS * 1000, maxConcurrent: config.SANDBOX_MAX_CONCURRENT_CHECKS });
let service: RunningService;

beforeAll(async () => {
  service = await startSandboxService(config, { engine, log: silentLogger, database: null, sweepIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await service?.close();
  for (const container of await engine.list(instanceSelector(config.DOJO_INSTANCE))) await engine.remove(container.id);
});

describe.each(lessons.map((lesson) => [lesson.meta.slug, lesson] as const))("lesson %s", (_slug, lesson) => {
  it("has steps", () => {
    expect(lesson.meta.steps.length).toBeGreaterThan(0);
  });

  it("lists images the platform registry has (sandboxes cannot fetch any other)", async () => {
    const availability = await new PlatformRegistry(config.DOJO_REGISTRY_SOCKET_DIR).availability(lesson.meta.images);
    expect(availability.images.filter((i) => !i.ready).map((i) => i.image), `${lesson.meta.file}: images missing from the platform registry`).toEqual([]);
  });

  it("every check fails before its step is solved and passes after", { timeout: 300_000 }, async () => {
    const owner = { learner: `lesson-test-${randomBytes(6).toString("hex")}`, lesson: lesson.meta.slug, template: lesson.meta.template };
    const sandbox = await service.manager.open(owner, () => {});
    try {
      for (const step of lesson.meta.steps) {
        const fresh = await checks.run(sandbox, step.id);
        expect(fresh.passed, `${lesson.meta.file}, step ${step.id}: the check passes on a fresh sandbox, before anything was done`).toBe(false);
      }
      for (const step of lesson.meta.steps) {
        const before = await checks.run(sandbox, step.id);
        expect(before.passed, `${lesson.meta.file}, step ${step.id}: the check passes before the step is done`).toBe(false);
        expect(before.message, `${lesson.meta.file}, step ${step.id}: a failing check should say what is missing`).not.toBe("");
        const solve = await engine.run(sandbox.id, { cmd: ["bash", "-c", step.solve], timeoutMs: 240_000 });
        expect(solve.exitCode, `${lesson.meta.file}, step ${step.id}: the solve script failed:\n${solve.stdout}\n${solve.stderr}`).toBe(0);
        const after = await checks.run(sandbox, step.id);
        expect(after.passed, `${lesson.meta.file}, step ${step.id}: the check fails after the solve script: ${after.message}`).toBe(true);
      }
    } finally {
      await service.manager.remove(sandbox, "reset");
    }
  });
});
