/**
 * What an operator's Prometheus reads from this agent at /metrics: sandboxes by state and
 * template, places free, the warm pool's depth, how long learners wait for a sandbox,
 * sockets by role, and the engine's failures by kind. Gauges are read from the parts at
 * scrape time (nothing to keep in step); the histogram and counter are fed as things happen.
 * Labels never carry a learner or a sandbox: their number would grow without bound, and
 * /metrics must not tell who is on the platform.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import {
  EngineUnavailableError,
  ImageMissingError,
  QuotaExceededError,
  SandboxGoneError,
  SandboxNotRunningError,
} from "../engine/errors";
import type { WarmPool } from "../pool/warm-pool";
import type { Capacity } from "../sessions/capacity";
import type { SandboxManager } from "../sessions/sandbox-manager";

/** The content type Prometheus expects for the text format. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Seconds from a learner's request to a sandbox that is theirs and ready: a warm claim is
 * tens of milliseconds, a cold `shell` about a second, a cold `docker` (its engine starts)
 * several. Buckets finer than this cannot tell a warm pool from a cold start.
 */
const READY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

const ERROR_KINDS: [new (...args: never[]) => Error, string][] = [
  [EngineUnavailableError, "unavailable"],
  [SandboxGoneError, "gone"],
  [SandboxNotRunningError, "not_running"],
  [ImageMissingError, "image_missing"],
  [QuotaExceededError, "quota"],
];

export interface MetricsSources {
  manager: SandboxManager;
  pool: WarmPool;
  capacity: Capacity;
  templates: readonly string[];
  /** Connected sockets by role. */
  sockets(): { learner: number; instructor: number };
}

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly engineErrors = new Counter({
    name: "dojo_engine_errors_total",
    help: "Docker engine calls that failed, by kind (unavailable: the engine did not answer).",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  private readonly ready = new Histogram({
    name: "dojo_sandbox_ready_seconds",
    help: "From a learner's request to their sandbox being ready, by template and how (claimed from the warm pool, or created).",
    labelNames: ["template", "how"],
    buckets: READY_BUCKETS,
    registers: [this.registry],
  });

  constructor(agentId: string, options: { processMetrics: boolean }) {
    this.registry.setDefaultLabels({ agent: agentId });
    // Memory, CPU, event-loop lag of this process. Off in tests that start many services in one process.
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: "dojo_agent_" });
  }

  /** A failed engine call (the engine's own error classes; anything else is "other"). */
  engineError(error: Error): void {
    this.engineErrors.inc({ kind: ERROR_KINDS.find(([type]) => error instanceof type)?.[1] ?? "other" });
  }

  /** Starts reading the parts at each scrape, and timing each sandbox a learner gets. */
  watch(sources: MetricsSources, now: () => number = Date.now): void {
    const { manager, pool, capacity, templates } = sources;
    manager.on("provisioned", (sandbox, how) => {
      this.ready.observe({ template: sandbox.owner.template, how }, Math.max(0, now() - sandbox.requestedAt) / 1000);
    });
    new Gauge({
      name: "dojo_sandboxes",
      help: "Learners' sandboxes on this agent, by template and state (creating, attached: a terminal is open, idle, frozen).",
      labelNames: ["template", "state"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const template of templates) for (const state of ["creating", "attached", "idle", "frozen"]) this.set({ template, state }, 0);
        for (const sandbox of manager.list()) {
          const state = sandbox.frozen ? "frozen" : !sandbox.id ? "creating" : sandbox.attached.size > 0 ? "attached" : "idle";
          this.inc({ template: sandbox.owner.template, state });
        }
      },
    });
    // One number each, read at scrape time.
    const single = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    single("dojo_places_free", "Sandboxes this agent can still start (SANDBOX_MAX_TOTAL minus what it holds, warm pool included).", () => capacity.free);
    single("dojo_places_total", "SANDBOX_MAX_TOTAL of this agent.", () => capacity.maxTotal);
    single("dojo_draining", "1 while an operator drains this agent (no new sandboxes).", () => (capacity.draining ? 1 : 0));
    single("dojo_waiting_learners", "Learners waiting in line for a place.", () => manager.queueLength);
    new Gauge({
      name: "dojo_pool_ready",
      help: "Warm sandboxes ready to be claimed, by template.",
      labelNames: ["template"],
      registers: [this.registry],
      collect() {
        for (const template of templates) this.set({ template }, pool.readyCount(template));
      },
    });
    new Gauge({
      name: "dojo_sockets",
      help: "Connected sockets, by role (learner pages, instructors' dashboards).",
      labelNames: ["role"],
      registers: [this.registry],
      collect() {
        const counts = sources.sockets();
        this.set({ role: "learner" }, counts.learner);
        this.set({ role: "instructor" }, counts.instructor);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
