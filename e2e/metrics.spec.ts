/**
 * /metrics on the web app and on the agent, as an operator's Prometheus reads them, after a
 * learner opened a lesson on the real platform: the token and the placement are counted,
 * the agent is live with its places, and the learner is counted on the agent — and
 * neither page names the learner.
 */
import { expect, test } from "@playwright/test";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

/** The sum of a metric's series whose labels include `labels` (Prometheus' text format). */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

test("the web app and the agent count a learner's visit, without naming them", async ({ page, request, context }) => {
  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  await lesson.waitConnected();
  const learnerId = (await context.cookies()).find((cookie) => cookie.name === "dojo_learner")?.value.split(".")[0];
  expect(learnerId, "the page set a learner cookie").toBeTruthy();

  const web = await request.get("/metrics");
  expect(web.status()).toBe(200);
  const webText = await web.text();
  expect(total(webText, "dojo_web_sandbox_tokens_total", { outcome: "issued" })).toBeGreaterThanOrEqual(1);
  expect(total(webText, "dojo_web_placements_total")).toBeGreaterThanOrEqual(1);
  expect(total(webText, "dojo_web_agents", { state: "live" })).toBe(1);
  expect(total(webText, "dojo_web_places_free")).toBeGreaterThan(0);
  expect(webText).not.toContain(learnerId!);

  const agent = await request.get(`http://127.0.0.1:${e2e.sandboxPort}/metrics`);
  expect(agent.status()).toBe(200);
  const agentText = await agent.text();
  expect(total(agentText, "dojo_sandboxes", { template: "shell", state: "attached" })).toBeGreaterThanOrEqual(1);
  expect(total(agentText, "dojo_sockets", { role: "learner" })).toBeGreaterThanOrEqual(1);
  expect(total(agentText, "dojo_agent_process_resident_memory_bytes")).toBeGreaterThan(0);
  expect(agentText).not.toContain(learnerId!);
});
