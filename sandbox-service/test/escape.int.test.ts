/**
 * The escape suite (`npm run test:escape`, and part of `npm test`): a hostile root user
 * in a real sandbox of each template tries the classic ways out (escape/attempts.ts), and
 * every one must be refused. An attempt may answer N/A only in the templates it declares
 * (`notApplicableIn`); any other N/A fails, since an attempt that did not run proves
 * nothing. Prints a table: attempt, template, refused.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TemplateName } from "../../shared/templates";
import type { RunningService } from "../src/service";
import { ESCAPE_ATTEMPTS } from "./escape/attempts";
import { engine, readyLearner, removeInstance, startService, testConfig, type TestLearner } from "./support/harness";

const TEMPLATES: TemplateName[] = ["shell", "docker"];
const config = testConfig();
let service: RunningService;
const attackers = new Map<TemplateName, TestLearner & { sandbox: { id: string } }>();
let neighbourPid = 0;
let hostEngineId = "";
const results: Array<{ attempt: string; template: string; verdict: string; detail: string }> = [];

beforeAll(async () => {
  service = await startService(config);
  for (const template of TEMPLATES) attackers.set(template, await readyLearner(service.port, { template }));
  // A neighbour: another learner's sandbox with a process the attackers look for.
  const neighbour = await readyLearner(service.port);
  neighbour.type("sleep 424242 &\r");
  await neighbour.waitFor(/\[1\] \d+/);
  const top = await engine.run(neighbour.sandbox.id, { cmd: ["pgrep", "-f", "sleep 424242"], timeoutMs: 10_000 });
  expect(top.stdout.trim()).toMatch(/^\d+$/);
  // Its pid as the host sees it: the attackers get a real target to signal.
  const hostPids = execFileSync("pgrep", ["-f", "sleep 424242"], { encoding: "utf8" }).trim().split("\n");
  neighbourPid = Number(hostPids[0]);
  hostEngineId = execFileSync("docker", ["info", "-f", "{{.ID}}"], { encoding: "utf8" }).trim();
}, 120_000);

afterAll(async () => {
  const width = Math.max(...ESCAPE_ATTEMPTS.map((a) => a.title.length));
  const lines = results.map((r) => `${r.attempt.padEnd(width)}  ${r.template.padEnd(6)}  ${r.verdict.padEnd(7)}  ${r.detail}`);
  console.log(["", "Escape suite: every attempt must be refused (n/a only where the attempt declares it does not apply)", `${"attempt".padEnd(width)}  template  refused  what happened`, ...lines, ""].join("\n"));
  for (const attacker of attackers.values()) attacker.close();
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
});

describe.each(TEMPLATES)("a root user in a %s sandbox", (template) => {
  it.each(ESCAPE_ATTEMPTS.map((attempt) => [attempt.title, attempt] as const))("is refused: %s", async (_title, attempt) => {
    const attacker = attackers.get(template)!;
    const result = await engine.run(attacker.sandbox.id, {
      cmd: ["bash", "-c", attempt.script],
      env: [`NEIGHBOUR_PID=${neighbourPid}`, `HOST_ENGINE_ID=${hostEngineId}`],
      timeoutMs: 30_000,
    });
    const verdict = result.stdout.trim().split("\n").pop() ?? "";
    const [word = "", ...rest] = verdict.split(" ");
    const mayNotApply = attempt.notApplicableIn?.includes(template) ?? false;
    const detail = rest.join(" ") || `${result.stderr.trim().slice(0, 120)} (exit ${result.exitCode})`;
    results.push({
      attempt: attempt.title,
      template,
      verdict: word === "REFUSED" ? "yes" : word === "N/A" && mayNotApply ? "n/a" : "NO",
      detail: word === "N/A" && !mayNotApply ? `N/A, not declared for ${template}: ${detail}` : detail,
    });
    const accepted = mayNotApply ? ["REFUSED", "N/A"] : ["REFUSED"];
    expect(accepted, `${attempt.id} in ${template}: ${verdict}\n${result.stderr}`).toContain(word);
  });
});
