/**
 * /metrics as an operator's Prometheus scrapes it, with a real engine: the figures move
 * when learners come and go, engine failures are counted by kind, and nothing in it names
 * a learner or a sandbox.
 */
import { afterAll, describe, expect, it } from "vitest";
import { engine, readyLearner, removeInstance, startService, testConfig } from "./support/harness";

const config = testConfig({ SANDBOX_POOL_SIZE: "1", SANDBOX_MAX_TOTAL: "10", AGENT_ID: "agent-metrics" });
afterAll(() => removeInstance(config.DOJO_INSTANCE));

async function scrape(port: number): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** The value of one series: its name and labels (in any order; the agent's label is added). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = { ...labels, agent: "agent-metrics" };
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(wanted).length && Object.entries(wanted).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  throw new Error(`no series ${name} ${JSON.stringify(wanted)} in:\n${text}`);
}

describe("/metrics", () => {
  it("counts sandboxes by state, places, the pool, sockets and the wait, labelled with the agent", async () => {
    const service = await startService(config);
    try {
      const before = await scrape(service.port);
      expect(before.status).toBe(200);
      expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(value(before.text, "dojo_pool_ready", { template: "shell" })).toBe(1);
      expect(value(before.text, "dojo_places_free")).toBe(9);
      expect(value(before.text, "dojo_sandboxes", { template: "shell", state: "attached" })).toBe(0);
      expect(before.text).not.toMatch(/^dojo_engine_errors_total\{[^}]*kind="gone"/m);

      const first = await readyLearner(service.port);
      const second = await readyLearner(service.port);
      await service.pool.fill();
      const during = (await scrape(service.port)).text;
      expect(value(during, "dojo_sandboxes", { template: "shell", state: "attached" })).toBe(2);
      expect(value(during, "dojo_sockets", { role: "learner" })).toBe(2);
      // Two learners and a refilled pool hold three of ten places.
      expect(value(during, "dojo_places_free")).toBe(7);
      // One learner got the warm sandbox, the other a new one: each wait is in the histogram.
      expect(value(during, "dojo_sandbox_ready_seconds_count", { template: "shell", how: "claimed" })).toBe(1);
      expect(value(during, "dojo_sandbox_ready_seconds_count", { template: "shell", how: "created" })).toBe(1);
      // Nothing tells who is on the platform.
      for (const learner of [first, second]) {
        expect(during).not.toContain(learner.learnerId);
        expect(during).not.toContain(learner.sandbox.id.slice(0, 12));
        expect(during).not.toContain(learner.sandbox.hostname);
      }

      // A sandbox removed behind the service's back: the next look at it is an engine failure of kind "gone".
      await engine.remove(first.sandbox.id);
      first.close();
      await service.sweep();
      const after = (await scrape(service.port)).text;
      expect(value(after, "dojo_engine_errors_total", { kind: "gone" })).toBeGreaterThan(0);
      expect(value(after, "dojo_sandboxes", { template: "shell", state: "attached" })).toBe(1);
      second.close();
    } finally {
      await service.close();
    }
  });
});
