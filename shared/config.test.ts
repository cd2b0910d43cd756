import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, ensureSecret, loadDatabaseConfig, loadServiceConfig, loadWebConfig, socketMessageLimit } from "./config";

const SECRET = "s".repeat(32);
/** Both processes' settings from one environment, as a test of defaults and bounds. */
const loadConfig = (env: Record<string, string>) => {
  const withSecret = { ...env, DOJO_SECRET: env.DOJO_SECRET || SECRET };
  return { ...loadWebConfig(withSecret), ...loadServiceConfig(withSecret) };
};

const dataDir = () => mkdtempSync(path.join(tmpdir(), "dojo-config-"));

describe("configuration", () => {
  it("has working defaults for the quick start", () => {
    const config = loadConfig({ DOJO_DATA_DIR: dataDir() });
    expect(config.PORT).toBe(3000);
    expect(config.SANDBOX_PORT).toBe(4000);
    expect(config.SANDBOX_IDLE_TIMEOUT_SECONDS).toBe(900);
    expect(config.SANDBOX_MAX_LIFETIME_SECONDS).toBe(7200);
    expect(config.DOCKER_HOST).toBe("unix:///var/run/docker.sock");
  });

  it("creates the secret at start-up only, once, and keeps it, so restarts keep learners' sessions", () => {
    const dir = dataDir();
    // Loading a configuration never writes one (a page being rendered must not): it says what to do.
    expect(() => loadWebConfig({ DOJO_DATA_DIR: dir })).toThrow(/No secret: DOJO_SECRET is not set and .*secret does not exist\. Start the platform with `npm start`/);
    expect(() => loadServiceConfig({ DOJO_DATA_DIR: dir })).toThrow(ConfigError);
    const first = ensureSecret({ DOJO_DATA_DIR: dir });
    expect(ensureSecret({ DOJO_DATA_DIR: dir })).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadWebConfig({ DOJO_DATA_DIR: dir }).DOJO_SECRET).toBe(first);
    expect(loadServiceConfig({ DOJO_DATA_DIR: dir }).DOJO_SECRET).toBe(first);
    expect(readFileSync(path.join(dir, "secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "secret")).mode & 0o077).toBe(0);
  });

  it("prefers DOJO_SECRET from the environment, and writes no file then", () => {
    const dir = dataDir();
    expect(ensureSecret({ DOJO_DATA_DIR: dir, DOJO_SECRET: "k".repeat(32) })).toBe("k".repeat(32));
    expect(loadWebConfig({ DOJO_DATA_DIR: dir, DOJO_SECRET: "k".repeat(32) }).DOJO_SECRET).toBe("k".repeat(32));
    expect(() => readFileSync(path.join(dir, "secret"))).toThrow();
  });

  it("reads the secret from DOJO_SECRET_FILE (a Swarm secret), and says in a sentence what is wrong with the file", () => {
    const dir = dataDir();
    const file = path.join(dir, "swarm-secret");
    writeFileSync(file, "f".repeat(40) + "\n");
    for (const load of [loadWebConfig, loadServiceConfig]) expect(load({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: file }).DOJO_SECRET).toBe("f".repeat(40));
    expect(ensureSecret({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: file })).toBe("f".repeat(40));
    // The file given wins over a generated one, and none is written beside it.
    expect(() => readFileSync(path.join(dir, "secret"))).toThrow();

    const missing = path.join(dir, "nowhere");
    expect(() => loadWebConfig({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: missing })).toThrow(`DOJO_SECRET_FILE is ${missing}, but it does not exist.`);
    expect(() => ensureSecret({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: missing })).toThrow(ConfigError);
    expect(() => loadServiceConfig({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: dir })).toThrow(/DOJO_SECRET_FILE is .*, but it cannot be read \(EISDIR\)\./);
    writeFileSync(file, "short\n");
    expect(() => loadServiceConfig({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: file })).toThrow(/must be at least 32 characters \(it has 5\)/);
    expect(() => loadWebConfig({ DOJO_DATA_DIR: dir, DOJO_SECRET_FILE: file, DOJO_SECRET: SECRET })).toThrow(/Set only one of DOJO_SECRET and DOJO_SECRET_FILE/);
  });

  it("gives each process only its own settings, and migrations only the database's", () => {
    const web = loadWebConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET });
    const service = loadServiceConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET });
    expect(web).not.toHaveProperty("DOCKER_HOST");
    expect(web).toHaveProperty("TOKEN_TTL_SECONDS");
    expect(service).not.toHaveProperty("INSTRUCTOR_SIGNUP_CODE");
    expect(service).toHaveProperty("DOCKER_HOST");
    // A bad Docker setting does not stop the web app, which never uses it.
    expect(() => loadWebConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET, DOCKER_HOST: "nonsense" })).not.toThrow();
    expect(() => loadServiceConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET, DOCKER_HOST: "nonsense" })).toThrow(/DOCKER_HOST/);
    // Where the host's /proc is (the compose agent's /host/proc): an absolute path, or a sentence.
    expect(loadServiceConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET }).DOJO_HOST_PROC).toBe("/proc");
    expect(() => loadServiceConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: SECRET, DOJO_HOST_PROC: "host/proc" })).toThrow(/DOJO_HOST_PROC: must be an absolute path/);
    expect(loadDatabaseConfig({})).toEqual({ DATABASE_URL: "file:.dojo/dojo.db", DOJO_DATA_DIR: ".dojo" });
  });

  it("names every bad variable, each process its own", () => {
    const env = { DOJO_DATA_DIR: dataDir(), PORT: "eighty", TOKEN_TTL_SECONDS: "-1", DOCKER_HOST: "/var/run/docker.sock", DOJO_INSTANCE: "Bad Name", DOJO_SECRET: "short" };
    const message = (load: () => unknown) => {
      try {
        load();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error("the configuration was accepted");
    };
    const web = message(() => loadWebConfig(env));
    for (const name of ["PORT", "TOKEN_TTL_SECONDS", "DOJO_SECRET"]) expect(web).toContain(name);
    const service = message(() => loadServiceConfig(env));
    for (const name of ["DOCKER_HOST", "DOJO_INSTANCE", "DOJO_SECRET"]) expect(service).toContain(name);
  });

  it("lets the editor read and save files of up to 1 MiB, and bounds that setting", () => {
    expect(loadConfig({ DOJO_DATA_DIR: dataDir() }).SANDBOX_FILE_MAX_BYTES).toBe(1024 * 1024);
    expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), SANDBOX_FILE_MAX_BYTES: "0" })).toThrow(/SANDBOX_FILE_MAX_BYTES/);
    expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), SANDBOX_FILE_MAX_BYTES: String(64 * 1024 * 1024) })).toThrow(/SANDBOX_FILE_MAX_BYTES: must be at most 16 MiB/);
  });

  it("accepts socket messages big enough for a file a little over the limit, so it is refused in a sentence", () => {
    const defaults = loadConfig({ DOJO_DATA_DIR: dataDir() });
    expect(socketMessageLimit(defaults)).toBe(1024 * 1024 + 64 * 1024);
    expect(socketMessageLimit({ SOCKET_MAX_MESSAGE_BYTES: 4 * 1024 * 1024, SANDBOX_FILE_MAX_BYTES: 1024 })).toBe(4 * 1024 * 1024);
  });

  it("limits what one client may ask for by default, and refuses limits that would switch a limit off", () => {
    expect(loadConfig({ DOJO_DATA_DIR: dataDir() })).toMatchObject({
      TRUSTED_PROXY_HOPS: 0,
      SANDBOX_TOKENS_PER_MINUTE: 60,
      WORKSHOP_CODE_FAILURES_PER_ADDRESS: 20,
      INSTRUCTOR_CODE_FAILURES_PER_ADDRESS: 5,
      SANDBOX_MAX_TERMINALS: 8,
      SANDBOX_MAX_CONCURRENT_CHECKS: 2,
      CHECK_TIMEOUT_SECONDS: 20,
      SANDBOX_RESETS_PER_MINUTE: 3,
    });
    for (const name of ["SANDBOX_TOKENS_PER_MINUTE", "WORKSHOP_CODE_FAILURES_PER_ADDRESS", "INSTRUCTOR_CODE_FAILURES_PER_ADDRESS", "SANDBOX_MAX_TERMINALS", "SANDBOX_MAX_CONCURRENT_CHECKS", "CHECK_TIMEOUT_SECONDS", "SANDBOX_RESETS_PER_MINUTE"]) {
      expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), [name]: "0" }), name).toThrow(new RegExp(name));
    }
    expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
  });

  it("opens learners' apps under ports.localhost by default, and validates an operator's domain", () => {
    const defaults = loadConfig({ DOJO_DATA_DIR: dataDir() });
    expect([defaults.PORTS_BASE_DOMAIN, defaults.PORTS_PUBLIC_SCHEME, defaults.PORTS_PUBLIC_PORT]).toEqual(["ports.localhost", "http", undefined]);
    const operator = loadConfig({ DOJO_DATA_DIR: dataDir(), PORTS_BASE_DOMAIN: "Ports.Example.ORG", PORTS_PUBLIC_SCHEME: "https", PORTS_PUBLIC_PORT: "443" });
    expect([operator.PORTS_BASE_DOMAIN, operator.PORTS_PUBLIC_SCHEME, operator.PORTS_PUBLIC_PORT]).toEqual(["ports.example.org", "https", 443]);
    for (const bad of ["*.ports.example.org", "https://ports.example.org", "ports.example.org:8443", "localhost", "-bad.example.org", "ports..example.org"]) {
      expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), PORTS_BASE_DOMAIN: bad }), bad).toThrow(/PORTS_BASE_DOMAIN: must be a domain name/);
    }
    expect(() => loadConfig({ DOJO_DATA_DIR: dataDir(), PORTS_PUBLIC_SCHEME: "ftp" })).toThrow(/PORTS_PUBLIC_SCHEME/);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DOJO_DATA_DIR: dataDir(), SANDBOX_PUBLIC_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});

describe(".env.example", () => {
  const example = parseEnv(readFileSync(path.join(import.meta.dirname, "..", ".env.example"), "utf8"));

  it("documents every variable the platform reads, and no other", () => {
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("is itself a valid configuration", () => {
    expect(() => loadConfig({ ...example, DOJO_DATA_DIR: dataDir() } as Record<string, string>)).not.toThrow();
  });
});
