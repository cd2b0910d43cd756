/**
 * Every setting of the platform, read once from the environment and validated: one schema
 * for the web app, one for the sandbox service, sharing what both need (the database, the
 * secret, the service's port). A bad value stops the process at boot with the variable
 * named. Documented in README.md and .env.example.
 *
 * The secret is created at start-up only (`ensureSecret`, by scripts/platform.ts and by a
 * process started on its own), never while a page renders: loading a configuration reads
 * it and fails in a sentence when there is none.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { z } from "zod";
import { agentIdSchema } from "./ids";

/** 0 picks any free port (tests). */
const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
const bytes = z.coerce.number().int().positive();
/** PLAYGROUND_MAX_MACHINES: also the most machines a lesson may ask for (shared/lessons/loader.ts checks). */
export const playgroundMaxMachinesSchema = z.coerce.number().int().min(1).max(99).default(5);

/** What both processes read: where local state and the database are, the shared secret. */
const commonFields = {
  /** Folder for local state: the generated secret. */
  DOJO_DATA_DIR: z.string().min(1).default(".dojo"),
  /** The database: `file:PATH` is SQLite (relative to the working directory), `postgresql://…` PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:.|postgres(ql)?:\/\/)/, "must be file:PATH (SQLite) or postgresql://… (PostgreSQL)")
    .default("file:.dojo/dojo.db"),
  /**
   * HMAC secret shared by web and service to sign learner cookies and sandbox tokens.
   * Empty: the one kept in DOJO_DATA_DIR/secret, which `npm start` creates on its first
   * run, so restarts keep sessions.
   */
  DOJO_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * A file holding the secret instead (Docker Swarm mounts secrets at /run/secrets/NAME,
   * deploy/stack.yml). Set one of DOJO_SECRET and DOJO_SECRET_FILE, not both.
   */
  DOJO_SECRET_FILE: z.string().min(1).optional(),
};

/** Where the sandbox service listens (the service binds it, the web app points browsers at it), and what else both read. */
const bothFields = {
  /** Port of the sandbox service (socket.io). */
  SANDBOX_PORT: port.default(4000),
  /**
   * A sandbox is removed this long after it was created, attached or not. The web app
   * reads it too: a playground's invite link never lasts longer (shared/invites.ts).
   */
  SANDBOX_MAX_LIFETIME_SECONDS: seconds.default(2 * 60 * 60),
  /**
   * Both processes' log lines (shared/log-format.ts): `text` for people reading a terminal,
   * `json` (one object per line via pino: the agent, or the web app and its host, on every
   * line) for a log collector.
   */
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
};

/** The web app's settings (pages, accounts, workshops, tokens). */
const webSchema = z.object({
  ...commonFields,
  ...bothFields,
  /**
   * An agent whose last heartbeat is older than this is taken out of placement; its
   * learners get a sandbox on another agent when their page reconnects. Must be several
   * AGENT_HEARTBEAT_SECONDS: too short, and a busy agent is dropped; too long, and learners
   * of a dead one wait.
   */
  AGENT_LIVE_SECONDS: seconds.max(600).default(15),
  /** Port of the web app (Next.js). */
  PORT: port.default(3000),
  /**
   * Address the browser uses to reach the sandbox service. Empty: the page's own host
   * name with SANDBOX_PORT, so the platform works from another machine on the LAN too.
   */
  SANDBOX_PUBLIC_URL: z.url().optional(),
  /** When set, signing up as an instructor needs this code; empty: anyone may sign up as one. */
  INSTRUCTOR_SIGNUP_CODE: z.string().min(8, "must be at least 8 characters").optional(),
  /**
   * How many reverse proxies in front of the web app append to X-Forwarded-For. 0: none,
   * the client is the connection's own address and every X-Forwarded-* header a client
   * sends is ignored (a forged one could dodge every per-address limit). N: the client is
   * the Nth address from the right, and the proxy's X-Forwarded-Host and -Proto are
   * believed. Set too high, clients choose their own address again; too low, every client
   * shares the proxy's address and its limits.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Sandbox tokens one client address may get per minute for learners without an account
   * (learners seated in an open workshop do not count). A page asks for one on every
   * (re)connect; too low refuses a classroom behind one address, too high lets one client
   * mint learners (each with SANDBOX_MAX_PER_LEARNER sandboxes) fast enough to fill the platform.
   */
  SANDBOX_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Wrong workshop join codes one client address may try per 15 minutes; past it even a right one is refused until the window passes. */
  WORKSHOP_CODE_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Wrong instructor sign-up codes (INSTRUCTOR_SIGNUP_CODE) one client address may try per 15 minutes. */
  INSTRUCTOR_CODE_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Lifetime of a sandbox token handed to the browser; it fetches a new one on every (re)connect. */
  TOKEN_TTL_SECONDS: seconds.default(300),
});

/** The sandbox service's settings (the engine, sandboxes, terminals, limits). */
const serviceSchema = z.object({
  ...commonFields,
  ...bothFields,
  /**
   * Learners' web apps open on an origin of their own per sandbox and port,
   * `<sandbox>-<port>.<PORTS_BASE_DOMAIN>`, never on the platform's: their pages can then
   * neither read nor set the platform's cookies. The default, `ports.localhost`, needs no
   * DNS (browsers resolve `*.localhost` to loopback) but works only for a browser on the
   * platform's own machine; for anyone else, point a wildcard DNS name (`*.ports.example.org`)
   * at the sandbox service and set it here. It must not be the platform's own host name.
   */
  PORTS_BASE_DOMAIN: z
    .string()
    .toLowerCase()
    .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, "must be a domain name such as ports.example.org (two labels or more, no scheme, port or wildcard)")
    .default("ports.localhost"),
  /** The scheme browsers use for those origins: https when a TLS proxy serves *.PORTS_BASE_DOMAIN (the access cookie is then Secure). */
  PORTS_PUBLIC_SCHEME: z.enum(["http", "https"]).default("http"),
  /** The port browsers use for those origins. Empty: the sandbox service's own port (SANDBOX_PORT). */
  PORTS_PUBLIC_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * Name of this platform instance. Every Docker object carries it as a label, and the
   * reaper only touches its own instance's objects, so a test run and a dev server can
   * share one engine without removing each other's sandboxes.
   */
  DOJO_INSTANCE: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and '-'").default("default"),
  /** Docker engine address: unix:///path/to.sock or tcp://host:port. */
  DOCKER_HOST: z.string().regex(/^(unix|tcp):\/\//, "must start with unix:// or tcp://").default("unix:///var/run/docker.sock"),
  /**
   * Where this process sees the host's /proc, whose sys/net settings keep the host off
   * private sandbox networks. /proc when the service runs on the host; in a container
   * Docker makes /proc/sys read-only, so docker-compose.yml mounts the host's at /host/proc.
   * Wrong, and every private network is refused (never left open).
   */
  DOJO_HOST_PROC: z.string().startsWith("/", "must be an absolute path").default("/proc"),
  /**
   * This agent's name in the platform's register (one sandbox service per Docker engine):
   * stable across restarts, unique per machine. Default: the machine's host name, so
   * platforms on one machine sharing a database count as one agent.
   */
  AGENT_ID: agentIdSchema.default(hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63) || "agent"),
  /**
   * Where browsers reach this agent when there are several (http(s)://host:port). Empty:
   * the web page's own host with SANDBOX_PORT, which is right for one machine.
   */
  AGENT_PUBLIC_URL: z.url().optional(),
  /** How often this agent tells the register it is alive and how many places it has free. */
  AGENT_HEARTBEAT_SECONDS: seconds.max(60).default(5),
  /** A sandbox with no terminal attached for this long is removed. */
  SANDBOX_IDLE_TIMEOUT_SECONDS: seconds.default(15 * 60),
  /** The learner is warned this long before the maximum lifetime, and may extend it. */
  SANDBOX_EXPIRY_WARNING_SECONDS: seconds.default(5 * 60),
  /** Time one extension adds. */
  SANDBOX_EXTENSION_SECONDS: seconds.default(30 * 60),
  /** Extensions allowed per sandbox (0: none). */
  SANDBOX_MAX_EXTENSIONS: z.coerce.number().int().min(0).max(100).default(2),
  /** Ready `shell` sandboxes kept waiting for learners (0: no pool, every sandbox starts cold). */
  SANDBOX_POOL_SIZE: z.coerce.number().int().min(0).max(500).default(2),
  /** Containers on the platform at most (claimed and pooled); past it learners wait in line. */
  SANDBOX_MAX_TOTAL: z.coerce.number().int().min(1).default(200),
  /** Sandboxes one learner may hold at once (one per lesson they have open). */
  SANDBOX_MAX_PER_LEARNER: z.coerce.number().int().min(1).default(3),
  /** How often timers and the reaper look at every sandbox. */
  SANDBOX_SWEEP_INTERVAL_SECONDS: seconds.default(30),
  /**
   * Shells open at once in one sandbox (the lesson page uses one; each costs a process and
   * its scrollback, TERMINAL_SCROLLBACK_BYTES, in the service). Past it terminal:open is refused.
   */
  SANDBOX_MAX_TERMINALS: z.coerce.number().int().min(1).max(64).default(8),
  /** Lesson checks running at once in one sandbox; more are refused until one finishes. */
  SANDBOX_MAX_CONCURRENT_CHECKS: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * A lesson check still running after this long is killed with everything it started,
   * and the learner is told it took too long. Lesson checks are quick looks (they must
   * answer well within it); too long keeps a hung check's slot taken.
   */
  CHECK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** Resets of one learner's sandbox for one lesson per minute (each creates a container). */
  SANDBOX_RESETS_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(3),
  /**
   * A sandbox with no terminal attached that stays at its process limit or at full CPU
   * this long is frozen (paused) until its learner comes back; 0: never. Judged at sweeps,
   * so it happens up to one SANDBOX_SWEEP_INTERVAL_SECONDS later.
   */
  SANDBOX_RUNAWAY_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Image of the `shell` template, built by images/build.sh. */
  SHELL_IMAGE: z.string().min(1).default("dojo/lab-shell:latest"),
  SANDBOX_MEMORY_MB: z.coerce.number().int().min(16).default(512),
  SANDBOX_CPUS: z.coerce.number().positive().max(64).default(1),
  SANDBOX_PIDS_LIMIT: z.coerce.number().int().min(16).default(512),
  /** Disk a sandbox may write, where the storage driver can enforce it (see README). */
  SANDBOX_DISK_MB: z.coerce.number().int().min(16).default(1024),
  /** Image of the `docker` template (a Docker engine inside), built by images/build.sh. */
  SANDBOX_DOCKER_IMAGE: z.string().min(1).default("dojo/lab-docker:latest"),
  /** OCI runtime for `docker` sandboxes, e.g. sysbox-runc where installed; empty: Docker's default (runc). */
  SANDBOX_DOCKER_RUNTIME: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).optional(),
  /**
   * Lets `docker` sandboxes run on an engine without user-namespace remapping, where their
   * root is the host's root. Only for a machine on which every learner may be root.
   */
  SANDBOX_ALLOW_HOST_ROOT: z.stringbool().default(false),
  SANDBOX_DOCKER_MEMORY_MB: z.coerce.number().int().min(128).default(1024),
  /**
   * Disk a `docker` sandbox may write, its nested engine's images and containers included
   * (where the storage driver enforces limits: btrfs or zfs).
   */
  SANDBOX_DOCKER_DISK_MB: z.coerce.number().int().min(256).default(4096),
  SANDBOX_DOCKER_PIDS_LIMIT: z.coerce.number().int().min(64).default(2048),
  /**
   * Machines one learner's playground (/play) may have at once, node1 to nodeN: each is a
   * `docker` sandbox (SANDBOX_DOCKER_MEMORY_MB, counted in SANDBOX_MAX_TOTAL). A whole
   * playground counts as one sandbox toward SANDBOX_MAX_PER_LEARNER. Too high lets one
   * learner take a large share of the machine; below 2 there is nothing to network.
   */
  PLAYGROUND_MAX_MACHINES: playgroundMaxMachinesSchema,
  /**
   * How often the service reads a connected guest's invite link again (socket/guest-access.ts).
   * A revoked or expired link cuts its guests at most this long after: too long, and a guest
   * the owner sent away keeps watching; too short, and every connected guest costs a
   * database read that often.
   */
  INVITE_RECHECK_SECONDS: seconds.max(60).default(3),
  /** Ready `docker` sandboxes kept waiting (their engine already started). */
  SANDBOX_DOCKER_POOL_SIZE: z.coerce.number().int().min(0).max(500).default(1),
  /** Sandboxes are kept warm for a workshop's capacity from this long before it opens. */
  WORKSHOP_PREWARM_LEAD_SECONDS: seconds.default(30 * 60),
  /** Folder holding the platform registry's unix socket (scripts/registry.sh), mounted into `docker` sandboxes. */
  DOJO_REGISTRY_SOCKET_DIR: z.string().startsWith("/", "must be an absolute path").default("/var/lib/dojo/registry/socket"),
  /** Output kept per terminal for replay after a reload or reconnect. */
  TERMINAL_SCROLLBACK_BYTES: bytes.default(128 * 1024),
  /**
   * Largest socket.io message the service accepts; bigger ones close that socket. Raised
   * to fit a file of SANDBOX_FILE_MAX_BYTES when that is larger (see socketMessageLimit).
   */
  SOCKET_MAX_MESSAGE_BYTES: bytes.default(64 * 1024),
  /**
   * Largest file the lesson editor reads from or saves into a sandbox. A file travels in
   * one socket message, so this also raises the socket's message limit.
   */
  SANDBOX_FILE_MAX_BYTES: bytes.max(16 * 1024 * 1024, "must be at most 16 MiB (16777216): a file travels in one socket message").default(1024 * 1024),
});

/** Every variable the platform reads (documented one by one in .env.example). */
export const CONFIG_VARIABLES = [...new Set([...Object.keys(webSchema.shape), ...Object.keys(serviceSchema.shape)])];

type WithSecret<T> = Omit<T, "DOJO_SECRET"> & { DOJO_SECRET: string };
export type WebConfig = WithSecret<z.infer<typeof webSchema>>;
export type ServiceConfig = WithSecret<z.infer<typeof serviceSchema>>;
/** Where the database is: all the migration and backup scripts need. */
export type DatabaseConfig = Pick<ServiceConfig, "DATABASE_URL" | "DOJO_DATA_DIR">;

export class ConfigError extends Error {}

/**
 * Room for what travels with a file's bytes in one message (event name, path, version,
 * socket.io framing), so a save just over SANDBOX_FILE_MAX_BYTES still arrives and is
 * refused in a sentence instead of closing the socket.
 */
export const FILE_MESSAGE_HEADROOM_BYTES = 64 * 1024;

/**
 * socket.io's maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES, or enough for a file:write of
 * SANDBOX_FILE_MAX_BYTES if that is more. Every event's schema then bounds its own fields
 * (keystrokes to MAX_INPUT_CHARS, file content to SANDBOX_FILE_MAX_BYTES).
 */
export function socketMessageLimit(config: Pick<ServiceConfig, "SOCKET_MAX_MESSAGE_BYTES" | "SANDBOX_FILE_MAX_BYTES">): number {
  return Math.max(config.SOCKET_MAX_MESSAGE_BYTES, config.SANDBOX_FILE_MAX_BYTES + FILE_MESSAGE_HEADROOM_BYTES);
}

type Env = Record<string, string | undefined>;

function parse<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function withSecret<T extends { DOJO_SECRET?: string; DOJO_SECRET_FILE?: string; DOJO_DATA_DIR: string }>(
  config: T,
): Omit<T, "DOJO_SECRET"> & { DOJO_SECRET: string } {
  const secret = configuredSecret(config) ?? readSecret(config.DOJO_DATA_DIR);
  if (!secret) {
    throw new ConfigError(
      `No secret: DOJO_SECRET is not set and ${secretFile(config.DOJO_DATA_DIR)} does not exist. ` +
        "Start the platform with `npm start` (it creates one on its first run), or set DOJO_SECRET (32+ characters) for every process.",
    );
  }
  return { ...config, DOJO_SECRET: secret };
}

/**
 * The secret the operator gave: DOJO_SECRET, or the contents of DOJO_SECRET_FILE (trimmed,
 * as `echo` and `printf` leave a newline); undefined when neither is set. A file that
 * cannot be read or is too short stops the process in a sentence: falling back to a
 * generated secret would sign with a key the other processes do not have.
 */
function configuredSecret(config: { DOJO_SECRET?: string; DOJO_SECRET_FILE?: string }): string | undefined {
  if (config.DOJO_SECRET && config.DOJO_SECRET_FILE) {
    throw new ConfigError("Set only one of DOJO_SECRET and DOJO_SECRET_FILE: both are set, and they could disagree.");
  }
  if (!config.DOJO_SECRET_FILE) return config.DOJO_SECRET;
  let contents: string;
  try {
    contents = readFileSync(config.DOJO_SECRET_FILE, "utf8").trim();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : `it cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`;
    throw new ConfigError(`DOJO_SECRET_FILE is ${config.DOJO_SECRET_FILE}, but ${reason}.`);
  }
  if (contents.length < 32) {
    throw new ConfigError(`DOJO_SECRET_FILE: the secret in ${config.DOJO_SECRET_FILE} must be at least 32 characters (it has ${contents.length}).`);
  }
  return contents;
}

/** Parses the web app's settings; throws a ConfigError naming every bad variable, or the missing secret. */
export function loadWebConfig(env: Env = process.env): WebConfig {
  return withSecret(parse(webSchema, env));
}

/** Parses the sandbox service's settings; throws a ConfigError naming every bad variable, or the missing secret. */
export function loadServiceConfig(env: Env = process.env): ServiceConfig {
  return withSecret(parse(serviceSchema, env));
}

/** Parses where the database is (no secret needed: migrations run before anything has one). */
export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const { DATABASE_URL, DOJO_DATA_DIR } = parse(z.object(commonFields), env);
  return { DATABASE_URL, DOJO_DATA_DIR };
}

function secretFile(dataDir: string): string {
  return path.resolve(dataDir, "secret");
}

function readSecret(dataDir: string): string | undefined {
  try {
    const existing = readFileSync(secretFile(dataDir), "utf8").trim();
    return existing.length >= 32 ? existing : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure DOJO_DATA_DIR/secret exists (unless DOJO_SECRET or DOJO_SECRET_FILE is set) and returns the
 * secret: for start-up code only (scripts/platform.ts, a process started on its own).
 */
export function ensureSecret(env?: Env): string {
  if (!env) loadDotEnv();
  const fields = parse(z.object(commonFields), env ?? process.env);
  const given = configuredSecret(fields);
  if (given) return given;
  const { DOJO_DATA_DIR } = fields;
  const existing = readSecret(DOJO_DATA_DIR);
  if (existing) return existing;
  const file = secretFile(DOJO_DATA_DIR);
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  // "wx" fails if another process created it meanwhile; then theirs wins.
  try {
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}

/** A `.env` file in the working directory fills in variables the environment does not set, for every process alike. */
function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

let web: WebConfig | undefined;
let service: ServiceConfig | undefined;

/** The web app's configuration, loaded on first use. */
export function webConfig(): WebConfig {
  if (!web) loadDotEnv();
  web ??= loadWebConfig();
  return web;
}

/** The sandbox service's configuration, loaded on first use. */
export function serviceConfig(): ServiceConfig {
  if (!service) loadDotEnv();
  service ??= loadServiceConfig();
  return service;
}

/** Where the database is, for scripts (migrations, backups, Prisma's CLI). */
export function databaseConfig(): DatabaseConfig {
  loadDotEnv();
  return loadDatabaseConfig();
}
