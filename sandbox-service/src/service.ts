/**
 * The composition root: the one place that builds the service's parts and wires them,
 * in dependency order, each handed what it needs at construction (no part is filled in
 * later). main.ts runs it as a process; integration tests run it in-process.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { Server } from "socket.io";
import { socketMessageLimit, type ServiceConfig } from "../../shared/config";
import { EVENTS } from "../../shared/protocol";
import { DockerEngine } from "./engine/docker-engine";
import type { SandboxEngine } from "./engine/engine";
import { consoleLogger, type Logger } from "./log/logger";
import { Capacity } from "./sessions/capacity";
import { SandboxManager } from "./sessions/sandbox-manager";
import { authMiddleware } from "./socket/auth";
import type { ServiceServer } from "./socket/handlers";
import { handleInstructorConnection } from "./socket/instructor-connection";
import { PlatformRegistry } from "./registry/platform-registry";
import { WorkshopHub } from "./workshops/workshop-hub";
import { handleLearnerConnection } from "./socket/learner-connection";
import { relaySandboxNotices } from "./socket/sandbox-notices";
import { createTemplates } from "./templates/catalog";
import { PoolDemand } from "./pool/pool-demand";
import { WarmPool } from "./pool/warm-pool";
import { Sweeper } from "./sweep/sweeper";
import { AgentPresence, otherAgentLiveMs } from "./agents/agent-presence";
import { joinCluster } from "./agents/cluster";
import { AgentMetrics, METRICS_CONTENT_TYPE } from "./metrics/agent-metrics";
import { PortProxy, refuseUpgrade, sentencePage } from "./ports/port-proxy";
import { createDatabase, type Database } from "../../shared/db/client";
import { providerOf } from "../../shared/db/url";
import { findInvite } from "../../shared/db/invites";
import { logSandboxEvents } from "./events/sandbox-event-log";
import { CheckRunner } from "./checks/check-runner";
import { SandboxFiles } from "./files/sandbox-files";
import { RunawayGuard } from "./runaway/runaway-guard";
import { RequestDrain } from "./socket/request-drain";
import { RecordQueue } from "./records/record-queue";
import { RecordStore } from "./records/record-store";

/** What every page hears when the service stops on SIGTERM (a restart). */
export const RESTARTING_MESSAGE =
  "The platform is restarting. Your sandbox and your files are kept; this page reconnects by itself in a moment.";

/**
 * On a stop, requests already accepted get this long to be answered (a cold sandbox
 * starts in seconds; a check may take up to 20 s). Too short: their answers are lost and
 * the learner is told to try again; too long: the restart waits. Must stay below the
 * supervisor's stop grace (15 s) and docker-compose's stop_grace_period (20 s), with CLOSE_TIMEOUT_MS.
 */
const DRAIN_TIMEOUT_MS = 10_000;
/** How long the last packets (answers, then the DISCONNECT) may take to reach a page before its connection is cut anyway. */
const CLOSE_TIMEOUT_MS = 2000;

/** Where socket.io answers (its default path), on the service's own origin only. */
const SOCKET_IO_PATH = "/socket.io/";

export interface ServiceOverrides {
  engine?: SandboxEngine;
  /** Where sandbox events go; null: nowhere (tests about other things). Default: DATABASE_URL. */
  database?: Database | null;
  log?: Logger;
  now?: () => number;
  /** Milliseconds between sweeps; defaults to SANDBOX_SWEEP_INTERVAL_SECONDS. */
  sweepIntervalMs?: number;
  /** Where lesson files (their step checks) are read; default the project's lessons/. */
  lessonsDir?: string;
  /** Add this process's memory, CPU and event-loop figures to /metrics (the process, not tests). */
  processMetrics?: boolean;
}

export interface RunningService {
  port: number;
  manager: SandboxManager;
  pool: WarmPool;
  /** One reconcile + timers + workshops + pool + runaway-guard pass, as the periodic sweep does it. */
  sweep(): Promise<void>;
  /**
   * Stops serving: tells every page the platform is restarting, answers the requests in
   * flight (new ones are refused in a sentence), closes every socket cleanly. Removes
   * nothing: sandboxes keep running and are re-adopted by the next start.
   */
  close(): Promise<void>;
}

export async function startSandboxService(config: ServiceConfig, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const log = overrides.log ?? consoleLogger;
  const now = overrides.now ?? Date.now;
  const metrics = new AgentMetrics(config.AGENT_ID, { processMetrics: overrides.processMetrics ?? false });
  const engine = overrides.engine ?? new DockerEngine(config.DOCKER_HOST, (error) => metrics.engineError(error), path.join(config.DOJO_HOST_PROC, "sys"));
  const templates = createTemplates(config);
  // Parts that would otherwise ask each other back share small objects instead: the
  // platform's capacity (the manager and the pool report what they hold) and the pool's
  // extra demand (the workshop hub writes it, the pool reads it).
  const capacity = new Capacity(config.SANDBOX_MAX_TOTAL);
  const database = overrides.database === undefined ? createDatabase(config.DATABASE_URL) : overrides.database;
  // PostgreSQL is what several agents share (README, Many machines); SQLite is one machine.
  const severalAgents = database !== null && providerOf(config.DATABASE_URL) === "postgresql";
  const demand = new PoolDemand();
  const pool = new WarmPool(
    engine,
    templates,
    {
      instance: config.DOJO_INSTANCE,
      sizes: new Map([
        ["shell", config.SANDBOX_POOL_SIZE],
        ["docker", config.SANDBOX_DOCKER_POOL_SIZE],
      ]),
      scrollbackBytes: config.TERMINAL_SCROLLBACK_BYTES,
      demand,
    },
    capacity,
    log,
    now,
  );
  const manager = new SandboxManager(
    engine,
    templates,
    pool,
    capacity,
    {
      instance: config.DOJO_INSTANCE,
      idleTimeoutMs: config.SANDBOX_IDLE_TIMEOUT_SECONDS * 1000,
      maxLifetimeMs: config.SANDBOX_MAX_LIFETIME_SECONDS * 1000,
      scrollbackBytes: config.TERMINAL_SCROLLBACK_BYTES,
      reapGraceMs: 60_000,
      maxPerLearner: config.SANDBOX_MAX_PER_LEARNER,
      expiryWarningMs: config.SANDBOX_EXPIRY_WARNING_SECONDS * 1000,
      extensionMs: config.SANDBOX_EXTENSION_SECONDS * 1000,
      maxExtensions: config.SANDBOX_MAX_EXTENSIONS,
      maxTerminals: config.SANDBOX_MAX_TERMINALS,
      resetsPerMinute: config.SANDBOX_RESETS_PER_MINUTE,
      playgroundMaxMachines: config.PLAYGROUND_MAX_MACHINES,
      severalAgents,
    },
    log,
    now,
  );

  const runaway = new RunawayGuard(engine, manager, { windowMs: config.SANDBOX_RUNAWAY_WINDOW_SECONDS * 1000, cpus: config.SANDBOX_CPUS }, log);
  // The public server comes first, so the port proxy asks it which port it listens on
  // (SANDBOX_PORT may be 0: any free one); nothing asks before it listens. Its handlers are below.
  const http: HttpServer = createServer();
  const listeningPort = () => (http.address() as AddressInfo | null)?.port ?? config.SANDBOX_PORT;
  // The service's port serves two kinds of origin: its own (socket.io, /healthz) and the
  // learners' apps under PORTS_BASE_DOMAIN. The Host header decides, before socket.io sees
  // anything: an app's page may use /socket.io/ for itself, and the platform's socket must
  // never answer on an app's origin.
  const ports = new PortProxy(
    engine,
    manager,
    config.DOJO_SECRET,
    { baseDomain: config.PORTS_BASE_DOMAIN, scheme: config.PORTS_PUBLIC_SCHEME, port: () => config.PORTS_PUBLIC_PORT ?? listeningPort() },
    log,
    now,
  );
  // The platform's own requests; this server never listens, the public one hands them over.
  const platform: HttpServer = createServer((req, res) => {
    if (req.url === "/healthz") {
      const reply = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      // ping every time (facts are remembered, the engine's presence is not).
      Promise.all([engine.ping(), engine.facts()]).then(
        ([, facts]) =>
          reply(200, {
            status: "ok",
            engine: "up",
            diskLimits: engine.diskLimits ?? "unknown",
            userNamespaces: facts.userNamespaces,
            liveRestore: facts.liveRestore,
          }),
        () => reply(503, { status: "degraded", engine: "down" }),
      );
      return;
    }
    if (req.url === "/metrics") {
      metrics.text().then(
        (text) => res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(text),
        (error: unknown) => {
          log.warn("could not collect metrics", { error });
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (req.url?.startsWith("/ports/")) {
      // Links of the first design served apps on this origin; they open nothing any more.
      return sentencePage(res, 404, "This link has moved", "Ports of your sandbox now open on an address of their own. Open the link again from your lesson page.");
    }
    res.writeHead(404).end();
  });
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (ports.owns(req)) ports.handleRequest(req, res);
    else platform.emit("request", req, res);
  });
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (ports.owns(req)) ports.handleUpgrade(req, socket, head);
    else if (req.url?.startsWith(SOCKET_IO_PATH)) platform.emit("upgrade", req, socket, head);
    else refuseUpgrade(socket, "404 Not Found", "Nothing here takes a WebSocket; ports of your sandbox open on an address of their own.");
  });

  // Once stopping, new pages are turned away at the handshake: to them the service is not
  // there yet, so they keep retrying until the next start answers.
  let stopping = false;
  const io: ServiceServer = new Server(platform, {
    path: SOCKET_IO_PATH.slice(0, -1),
    allowRequest: (_request, callback) => callback(null, !stopping),
    // Big enough for a file:write of SANDBOX_FILE_MAX_BYTES (and a little more, so an
    // oversized one is refused in a sentence); larger messages close the socket.
    maxHttpBufferSize: socketMessageLimit(config),
    // Any origin may connect: access rests on the signed token, which only our own pages obtain.
    cors: { origin: true },
    serveClient: false,
    // WebSocket only (every client of ours asks for it): no HTTP long-polling, so no sticky sessions across web/agent replicas.
    transports: ["websocket"],
  });
  io.use(authMiddleware(config.DOJO_SECRET, config.AGENT_ID, now, log));
  // Other agents of the platform (PostgreSQL): workshop events reach dashboards on any of them.
  const cluster = joinCluster(io, database ? config.DATABASE_URL : null, log);
  // This agent in the register the web app places learners by (no database: not placed, tests).
  const presence = database
    ? new AgentPresence(database, capacity, { id: config.AGENT_ID, publicUrl: config.AGENT_PUBLIC_URL ?? null, heartbeatMs: config.AGENT_HEARTBEAT_SECONDS * 1000, provider: providerOf(config.DATABASE_URL) }, log, now)
    : null;
  const recordQueue = new RecordQueue(log);
  const records = database ? new RecordStore(database, recordQueue) : null;
  const checks = new CheckRunner(engine, records, log, {
    timeoutMs: config.CHECK_TIMEOUT_SECONDS * 1000,
    maxConcurrent: config.SANDBOX_MAX_CONCURRENT_CHECKS,
    lessonsDir: overrides.lessonsDir,
    machines: (learner, session) => manager.machines(learner, session),
  });
  const files = new SandboxFiles(engine, { maxBytes: config.SANDBOX_FILE_MAX_BYTES }, log);
  const workshops = new WorkshopHub(
    io,
    manager,
    pool,
    demand,
    new PlatformRegistry(config.DOJO_REGISTRY_SOCKET_DIR),
    cluster,
    database,
    {
      prewarmLeadMs: config.WORKSHOP_PREWARM_LEAD_SECONDS * 1000,
      lessonsDir: overrides.lessonsDir,
      agent: { id: config.AGENT_ID, liveMs: otherAgentLiveMs(config.AGENT_HEARTBEAT_SECONDS * 1000) },
    },
    log,
    now,
  );
  metrics.watch(
    {
      manager,
      pool,
      capacity,
      templates: [...templates.keys()],
      sockets: () => {
        const counts = { learner: 0, instructor: 0 };
        for (const socket of io.sockets.sockets.values()) counts[socket.data.role === "instructor" ? "instructor" : "learner"]++;
        return counts;
      },
    },
    now,
  );
  // Guests' invite links are read from the database; without one (tests), no link opens anything.
  const invites = {
    lookup: database ? (key: string) => findInvite(database, key) : async () => null,
    recheckMs: config.INVITE_RECHECK_SECONDS * 1000,
    now,
  };
  const drain = new RequestDrain();
  io.on("connection", (socket) => {
    drain.watch(socket);
    if (socket.data.role === "instructor") handleInstructorConnection(socket, workshops, log);
    else handleLearnerConnection(socket, { manager, ports, checks, files, activity: workshops, invites, log });
  });
  if (records) logSandboxEvents(manager, records);
  const stopRelaying = relaySandboxNotices(io, manager, templates, engine, config.DOJO_INSTANCE, log);

  const sweeper = new Sweeper(
    [
      {
        name: "reconcile with the engine",
        onFailure: "stop",
        run: async () => {
          const { adopted, reaped } = await manager.reconcile();
          if (adopted || reaped) log.info("reconciled with the engine", { adopted, reaped });
        },
      },
      { name: "timers", onFailure: "stop", run: () => manager.applyTimers() },
      { name: "workshops", onFailure: "continue", run: () => workshops.refresh() },
      { name: "pool trim", onFailure: "stop", run: () => pool.trim() },
      { name: "pool refill", onFailure: "stop", run: () => pool.fill() },
      // Last: its readings wait for the engine's stats tick (about a second), which would
      // otherwise delay pre-warming for a workshop by as much at every sweep.
      { name: "runaway guard", onFailure: "stop", run: () => runaway.check() },
    ],
    log,
  );

  void engine.facts().then(
    (facts) => {
      log.info("Docker engine", { ...facts });
      if (!facts.userNamespaces) {
        log.warn(
          "the Docker engine runs containers without user-namespace remapping: a sandbox's root is this machine's root " +
            (config.SANDBOX_ALLOW_HOST_ROOT || config.SANDBOX_DOCKER_RUNTIME ? "(allowed by configuration)" : "(docker sandboxes are refused; see README, Security model)"),
        );
      }
    },
    () => log.warn("the Docker engine is not reachable yet; sandboxes start once it is"),
  );
  // Re-adopt a previous run's sandboxes before any page can ask for one: a page reconnecting
  // right after a restart would otherwise get a new sandbox, and its own would be reaped as
  // a duplicate. (An engine that is down now is retried by every sweep.)
  await manager.reconcile().catch((error: unknown) => log.warn("could not re-adopt sandboxes before listening; the sweep retries", { error }));
  await new Promise<void>((resolve) => http.listen(config.SANDBOX_PORT, resolve));
  const port = listeningPort();
  await sweeper.sweep();
  // Placed on only once it listens and knows its own sandboxes (free places counted right).
  await presence?.start();
  sweeper.start(overrides.sweepIntervalMs ?? config.SANDBOX_SWEEP_INTERVAL_SECONDS * 1000);

  return {
    port,
    manager,
    pool,
    sweep: () => sweeper.sweep(),
    async close() {
      const sweeping = sweeper.stop();
      // Silent from here: the register takes this agent out of placement unless it is back in time.
      await presence?.stop();
      stopRelaying();
      stopping = true;
      io.emit(EVENTS.serviceRestarting, { message: RESTARTING_MESSAGE });
      const unanswered = await drain.drain({ code: "unavailable", message: RESTARTING_MESSAGE }, DRAIN_TIMEOUT_MS);
      if (unanswered > 0) log.warn("stopping with requests still unanswered; their pages say to try again", { unanswered });
      await sweeping;
      // A DISCONNECT to each page (socket.io's "io server disconnect"; it reconnects at once),
      // after the answers still buffered: io.close() would discard those, so it waits.
      const connections = [...io.sockets.sockets.values()].map((socket) => socket.conn);
      const pagesClosed = Promise.all(connections.map((conn) => (conn.readyState === "closed" ? undefined : new Promise((resolve) => conn.once("close", resolve)))));
      io.disconnectSockets(true);
      await Promise.race([pagesClosed, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]);
      await manager.settleClaims(CLOSE_TIMEOUT_MS);
      manager.shutdown();
      // Records being written get their chance; those still kept for an absent database are logged.
      await recordQueue.whenEmpty(CLOSE_TIMEOUT_MS);
      recordQueue.close();
      await database?.$disconnect();
      // io.close() closes `platform`, which never listened; the public server is ours to close.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await cluster.close();
      ports.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // What is left are requests to learners' apps: a restart cuts them, as any would.
      http.closeAllConnections();
      await closed;
    },
  };
}
