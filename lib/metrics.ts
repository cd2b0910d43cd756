/**
 * The web app's /metrics (Prometheus text): sandbox tokens by outcome, placements by
 * agent, and the agents' register as the web app sees it (live, silent, draining; places
 * free on live ones), read from the database at each scrape. One registry per process,
 * kept on globalThis across dev reloads (a second registration of a name would throw).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { allAgents } from "../shared/db/agents";
import { webConfig } from "../shared/config";
import { db } from "./db";

export type TokenOutcome = "issued" | "rate_limited" | "unknown_lesson" | "forged_cookie" | "database_away";

interface WebMetrics {
  registry: Registry;
  tokens: Counter<"outcome">;
  placements: Counter<"agent">;
}

function create(): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "dojo_web_" });
  const tokens = new Counter({
    name: "dojo_web_sandbox_tokens_total",
    help: "Sandbox tokens asked for, by outcome (a page asks on every connect and reconnect).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const placements = new Counter({ name: "dojo_web_placements_total", help: "Sandbox tokens signed for each agent.", labelNames: ["agent"], registers: [registry] });
  // Both gauges below are collected in one scrape: they share one read of the register.
  let reading: Promise<{ counts: Record<"live" | "draining" | "silent", number>; freePlaces: number }> | undefined;
  const register = () =>
    (reading ??= (async () => {
      const since = Date.now() - webConfig().AGENT_LIVE_SECONDS * 1000;
      const counts = { live: 0, draining: 0, silent: 0 };
      let freePlaces = 0;
      for (const agent of await allAgents(db())) {
        const state = agent.heartbeatAt.getTime() < since ? "silent" : agent.draining ? "draining" : "live";
        counts[state]++;
        if (state === "live") freePlaces += agent.freePlaces;
      }
      return { counts, freePlaces };
    })().finally(() => setTimeout(() => (reading = undefined))));
  new Gauge({
    name: "dojo_web_agents",
    help: "Agents in the register, by state: live (heartbeat within AGENT_LIVE_SECONDS, taking learners), draining (live, taking none), silent.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      for (const [state, count] of Object.entries((await register()).counts)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: "dojo_web_places_free",
    help: "Free places on live agents that take learners, as of their last heartbeats: the platform's room.",
    registers: [registry],
    async collect() {
      this.set((await register()).freePlaces);
    },
  });
  return { registry, tokens, placements };
}

const holder = globalThis as typeof globalThis & { dojoWebMetrics?: WebMetrics };

export function webMetrics(): WebMetrics {
  holder.dojoWebMetrics ??= create();
  return holder.dojoWebMetrics;
}
