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
import { RunawayGuard } from "./runaway/runaway-guard";

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
  /** One reconcile + timers + workshops + pool + runaway-guard pass, as the periodic sweep does it. */
  sweep(): Promise<void>;
  /** Stops serving. Sandboxes keep running and are re-adopted by the next start. */
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

  const runaway = new RunawayGuard(engine, manager, { windowMs: config.SANDBOX_RUNAWAY_WINDOW_SECONDS * 1000, cpus: config.SANDBOX_CPUS }, log);
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

  const io = new Server(http, {
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
  const checks = new CheckRunner(engine, database, log);
  const files = new SandboxFiles(engine, { maxBytes: config.SANDBOX_FILE_MAX_BYTES }, log);
  workshops = new WorkshopHub(io, manager, pool, new PlatformRegistry(config.DOJO_REGISTRY_SOCKET_DIR), database, { prewarmLeadMs: config.WORKSHOP_PREWARM_LEAD_SECONDS * 1000 }, log, now);
  const hub = workshops;
  io.on("connection", (socket) => {
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
  if (database) logSandboxEvents(manager, database, log);
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
        // Last: its readings wait for the engine's stats tick (about a second), which would
        // otherwise delay pre-warming for a workshop by as much at every sweep.
        await runaway.check();
      } catch (error) {
        log.warn("sweep failed; retrying at the next one", { error });
      } finally {
        sweeping = undefined;
      }
    })();
    return sweeping;
  };

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
      await sweeping;
      manager.shutdown();
      await database?.$disconnect();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
