/**
 * `npm run examples:test`: proves every example in a real `docker` sandbox, the way the
 * playground runs it: its files copied in, then its check must FAIL (a check that passes
 * before the build proves nothing), then its build and run commands (as the Run buttons
 * type them, in the example's folder) must succeed, and then its check must PASS.
 * Examples build offline, from the images of the platform registry only.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServiceConfig } from "../../shared/config";
import { loadExamples, type Example } from "../../shared/examples/loader";
import { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { silentLogger } from "../../sandbox-service/src/log/logger";
import { startSandboxService, type RunningService } from "../../sandbox-service/src/service";
import { instanceSelector } from "../../sandbox-service/src/sessions/identity";

const examples: Example[] = await loadExamples();
const config = loadServiceConfig({
  ...process.env,
  DOJO_SECRET: "example-tests-secret-0123456789abcdef",
  DOJO_INSTANCE: `examples-${randomBytes(3).toString("hex")}`,
  SANDBOX_PORT: "0",
  SANDBOX_POOL_SIZE: "0",
  SANDBOX_DOCKER_POOL_SIZE: "0",
});
const engine = new DockerEngine(config.DOCKER_HOST);
let service: RunningService;

/** A learner's check limit: a check that needs longer than learners get fails here too. */
const CHECK_MS = config.CHECK_TIMEOUT_SECONDS * 1000;
/** Builds pull python:3 (about 280 MB unpacked) from the platform registry: slow on a busy machine. */
const COMMAND_MS = 240_000;

beforeAll(async () => {
  service = await startSandboxService(config, { engine, log: silentLogger, database: null, sweepIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await service?.close();
  for (const container of await engine.list(instanceSelector(config.DOJO_INSTANCE))) await engine.remove(container.id);
  await engine.removeUnusedVolumes(instanceSelector(config.DOJO_INSTANCE));
});

describe.each(examples.map((example) => [example.name, example] as const))("example %s", (name, example) => {
  it("builds and runs offline, and its check fails before and passes after", { timeout: 600_000 }, async () => {
    const owner = { learner: `example-test-${randomBytes(6).toString("hex")}`, lesson: `example-${name}`.slice(0, 64), template: "docker" };
    const sandbox = await service.manager.open(owner, () => {});
    const shell = (script: string, timeoutMs: number) => engine.run(sandbox.id, { cmd: ["bash", "-c", script], timeoutMs });
    try {
      // Where the playground puts them: ~/<name>/ (written as the editor's saves are, through the archive API).
      await shell(`mkdir -p ~/${name}`, 10_000);
      const folders = [...new Set(example.files.map((f) => f.path.split("/").slice(0, -1).join("/")).filter(Boolean))];
      for (const folder of folders) await shell(`mkdir -p ~/${name}/${folder}`, 10_000);
      await engine.writeFiles(
        sandbox.id,
        `/root/${name}`,
        example.files.map((f) => ({ name: f.path, type: "file" as const, mode: 0o644, uid: 0, gid: 0, content: Buffer.from(f.content) })),
      );
      const before = await shell(example.meta.check, CHECK_MS);
      expect(before.exitCode, `examples/${name}: the check passes before the example was built`).not.toBe(0);
      expect(before.stdout.trim(), `examples/${name}: a failing check should say what is missing`).not.toBe("");
      for (const step of ["build", "run"] as const) {
        const done = await shell(`cd ~/${name} && ${example.meta[step]}`, COMMAND_MS);
        expect(done.exitCode, `examples/${name}: \`${example.meta[step]}\` failed:\n${done.stdout}\n${done.stderr}`).toBe(0);
      }
      const after = await shell(example.meta.check, CHECK_MS);
      expect(after.exitCode, `examples/${name}: the check fails after build and run: ${after.stdout}${after.stderr}`).toBe(0);
    } finally {
      await service.manager.remove(sandbox, "reset");
    }
  });
});
