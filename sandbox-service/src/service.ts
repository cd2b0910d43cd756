/**
 * The composition root: the one place that builds the service's parts and wires them.
 * main.ts runs it as a process; integration tests run it in-process.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { socketMessageLimit, type Config } from "../../shared/config";
import { EVENTS } from "../../shared/protocol";
import { DockerEngine } from "./engine/docker-engine";
import type { SandboxEngine } from "./engine/engine";
import { consoleLogger, type Logger } from "./log/logger";
import { instanceSelector } from "./sessions/identity";
import { endMessage, SandboxManager } from "./sessions/sandbox-manager";
import { authMiddleware, type SocketData } from "./socket/auth";
import { handleInstructorConnection } from "./socket/instructor-connection";
import { PlatformRegistry } from "./registry/platform-registry";
import { WorkshopHub } from "./workshops/workshop-hub";
import { handleLearnerConnection, sandboxRoom } from "./socket/learner-connection";
import { createTemplates } from "./templates/registry";
import { WarmPool } from "./pool/warm-pool";
import { PortProxy } from "./ports/port-proxy";
import { createDatabase, type Database } from "../../shared/db/client";
import { logSandboxEvents } from "./events/sandbox-event-log";
import { CheckRunner } from "./checks/check-runner";
import { SandboxFiles } from "./files/sandbox-files";
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

export interface ServiceOverrides {
  engine?: SandboxEngine;
  /** Where sandbox events go; null: nowhere (tests about other things). Default: DATABASE_URL. */
  database?: Database | null;
  log?: Logger;
  now?: () => number;
  /** Milliseconds between sweeps; defaults to SANDBOX_SWEEP_INTERVAL_SECONDS. */
  sweepIntervalMs?: number;
}

export interface RunningService {
  port: number;
  manager: SandboxManager;
  pool: WarmPool;
  /** One reconcile + timers pass, as the periodic sweep does it. */
  sweep(): Promise<void>;
  /**
   * Stops serving: tells every page the platform is restarting, answers the requests in
   * flight (new ones are refused in a sentence), closes every socket cleanly. Removes
   * nothing: sandboxes keep running and are re-adopted by the next start.
   */
  close(): Promise<void>;
}

export async function startSandboxService(config: Config, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const log = overrides.log ?? consoleLogger;
  const now = overrides.now ?? Date.now;
  const engine = overrides.engine ?? new DockerEngine(config.DOCKER_HOST);
  const templates = createTemplates(config);
  // The pool asks the manager whether there is room; the manager claims from the pool;
  // workshops about to start ask the pool for more.
  let manager: SandboxManager | undefined;
  let workshops: WorkshopHub | undefined;
  const pool = new WarmPool(
    engine,
    templates,
    { instance: config.DOJO_INSTANCE, sizes: new Map([
        ["shell", config.SANDBOX_POOL_SIZE],
        ["docker", config.SANDBOX_DOCKER_POOL_SIZE],
      ]), scrollbackBytes: config.TERMINAL_SCROLLBACK_BYTES,
      extraDemand: (template) => workshops?.poolDemand(template) ?? 0 },
    log,
    () => manager!.hasRoom() && manager!.queueLength === 0,
    now,
  );
  manager = new SandboxManager(
    engine,
    templates,
    pool,
    {
      instance: config.DOJO_INSTANCE,
      idleTimeoutMs: config.SANDBOX_IDLE_TIMEOUT_SECONDS * 1000,
      maxLifetimeMs: config.SANDBOX_MAX_LIFETIME_SECONDS * 1000,
      scrollbackBytes: config.TERMINAL_SCROLLBACK_BYTES,
      reapGraceMs: 60_000,
      maxTotal: config.SANDBOX_MAX_TOTAL,
      maxPerLearner: config.SANDBOX_MAX_PER_LEARNER,
      expiryWarningMs: config.SANDBOX_EXPIRY_WARNING_SECONDS * 1000,
      extensionMs: config.SANDBOX_EXTENSION_SECONDS * 1000,
      maxExtensions: config.SANDBOX_MAX_EXTENSIONS,
    },
    log,
    now,
  );

  const ports = new PortProxy(engine, manager, config.DOJO_SECRET, log, now);
  const database = overrides.database === undefined ? createDatabase(config.DATABASE_URL) : overrides.database;
  const http: HttpServer = createServer((req, res) => {
    if (ports.handleRequest(req, res)) return;
    if (req.url === "/healthz") {
      const reply = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      engine.ping().then(
        () => reply(200, { status: "ok", engine: "up", diskLimits: engine.diskLimits ?? "unknown" }),
        () => reply(503, { status: "degraded", engine: "down" }),
      );
      return;
    }
    res.writeHead(404).end();
  });

  // Once stopping, new pages are turned away at the handshake: to them the service is not
  // there yet, so they keep retrying until the next start answers.
  let stopping = false;
  const io = new Server(http, {
    allowRequest: (_request, callback) => callback(null, !stopping),
    // Big enough for a file:write of SANDBOX_FILE_MAX_BYTES (and a little more, so an
    // oversized one is refused in a sentence); larger messages close the socket.
    maxHttpBufferSize: socketMessageLimit(config),
    // Any origin may connect: access rests on the signed token, which only our own pages obtain.
    cors: { origin: true },
    serveClient: false,
    // Other upgrades (WebSockets to learners' apps under /ports/) are the port proxy's.
    destroyUpgrade: false,
  });
  http.on("upgrade", (req, socket, head) => ports.handleUpgrade(req, socket, head));
  io.use(authMiddleware(config.DOJO_SECRET, now, log));
  const recordQueue = new RecordQueue(log);
  const records = database ? new RecordStore(database, recordQueue) : null;
  const checks = new CheckRunner(engine, records, log);
  const files = new SandboxFiles(engine, { maxBytes: config.SANDBOX_FILE_MAX_BYTES }, log);
  workshops = new WorkshopHub(io, manager, pool, new PlatformRegistry(config.DOJO_REGISTRY_SOCKET_DIR), database, { prewarmLeadMs: config.WORKSHOP_PREWARM_LEAD_SECONDS * 1000 }, log, now);
  const hub = workshops;
  const drain = new RequestDrain();
  io.on("connection", (socket) => {
    drain.watch(socket);
    if ((socket.data as SocketData).role === "instructor") handleInstructorConnection(socket, hub, log);
    else handleLearnerConnection(socket, { manager, ports, checks, files, activity: hub, log });
  });
  manager.on("expiring", (sandbox) => {
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxExpiring, {
      sandboxId: sandbox.id,
      expiresAt: sandbox.expiresAt.toISOString(),
      canExtend: manager.canExtend(sandbox),
    });
  });
  if (records) logSandboxEvents(manager, records);
  manager.on("ended", (sandbox, reason) => {
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxEnded, { sandboxId: sandbox.id, reason, message: endMessage(reason) });
  });
  const stopWatchingMemory = engine.watchOutOfMemory(instanceSelector(config.DOJO_INSTANCE), (containerId) => {
    const sandbox = manager.findById(containerId);
    if (!sandbox) return;
    log.info("out of memory in sandbox", { name: sandbox.name });
    io.to(sandboxRoom(sandbox.id)).emit(EVENTS.sandboxNotice, {
      sandboxId: sandbox.id,
      message: `A process in your sandbox tried to use more than its ${config.SANDBOX_MEMORY_MB} MiB of memory, so the kernel stopped it ("Killed").`,
    });
  });

  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    sweeping ??= (async () => {
      try {
        const { adopted, reaped } = await manager.reconcile();
        if (adopted || reaped) log.info("reconciled with the engine", { adopted, reaped });
        await manager.applyTimers();
        await hub.refresh().catch((error: unknown) => log.warn("could not read upcoming workshops", { error }));
        await pool.trim();
        await pool.fill();
      } catch (error) {
        log.warn("sweep failed; retrying at the next one", { error });
      } finally {
        sweeping = undefined;
      }
    })();
    return sweeping;
  };

  // Re-adopt a previous run's sandboxes before any page can ask for one: a page reconnecting
  // right after a restart would otherwise get a new sandbox, and its own would be reaped as
  // a duplicate. (An engine that is down now is retried by every sweep.)
  await manager.reconcile().catch((error: unknown) => log.warn("could not re-adopt sandboxes before listening; the sweep retries", { error }));
  await new Promise<void>((resolve) => http.listen(config.SANDBOX_PORT, resolve));
  const port = (http.address() as AddressInfo).port;
  await sweep();
  const timer = setInterval(sweep, overrides.sweepIntervalMs ?? config.SANDBOX_SWEEP_INTERVAL_SECONDS * 1000);
  timer.unref();

  return {
    port,
    manager,
    pool,
    sweep,
    async close() {
      clearInterval(timer);
      stopWatchingMemory();
      stopping = true;
      io.emit(EVENTS.serviceRestarting, { message: RESTARTING_MESSAGE });
      const unanswered = await drain.drain({ code: "unavailable", message: RESTARTING_MESSAGE }, DRAIN_TIMEOUT_MS);
      if (unanswered > 0) log.warn("stopping with requests still unanswered; their pages say to try again", { unanswered });
      await sweeping;
      // A DISCONNECT to each page (socket.io's "io server disconnect"; it reconnects at once),
      // after the answers still buffered: io.close() would discard those, so it waits.
      const connections = [...io.sockets.sockets.values()].map((socket) => socket.conn);
      const closed = Promise.all(connections.map((conn) => (conn.readyState === "closed" ? undefined : new Promise((resolve) => conn.once("close", resolve)))));
      io.disconnectSockets(true);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]);
      manager.shutdown();
      // Records being written get their chance; those still kept for an absent database are logged.
      await recordQueue.whenEmpty(CLOSE_TIMEOUT_MS);
      recordQueue.close();
      await database?.$disconnect();
      // Connections the port proxy holds open (a learner's app over WebSocket) would keep the server from closing.
      http.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
