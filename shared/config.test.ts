import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { parseEnv } from "node:util";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, loadConfig, socketMessageLimit } from "./config";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "dojo-config-"));

describe("loadConfig", () => {
  it("has working defaults for the quick start", () => {
    const config = loadConfig({ DOJO_DATA_DIR: dataDir() });
    expect(config.PORT).toBe(3000);
    expect(config.SANDBOX_PORT).toBe(4000);
    expect(config.SANDBOX_IDLE_TIMEOUT_SECONDS).toBe(900);
    expect(config.SANDBOX_MAX_LIFETIME_SECONDS).toBe(7200);
    expect(config.DOCKER_HOST).toBe("unix:///var/run/docker.sock");
  });

  it("generates a secret once and keeps it, so restarts keep learners' sessions", () => {
    const dir = dataDir();
    const first = loadConfig({ DOJO_DATA_DIR: dir });
    const second = loadConfig({ DOJO_DATA_DIR: dir });
    expect(first.DOJO_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(second.DOJO_SECRET).toBe(first.DOJO_SECRET);
    expect(readFileSync(path.join(dir, "secret"), "utf8").trim()).toBe(first.DOJO_SECRET);
    expect(statSync(path.join(dir, "secret")).mode & 0o077).toBe(0);
  });

  it("prefers DOJO_SECRET from the environment", () => {
    expect(loadConfig({ DOJO_DATA_DIR: dataDir(), DOJO_SECRET: "k".repeat(32) }).DOJO_SECRET).toBe("k".repeat(32));
  });

  it("names every bad variable", () => {
    const attempt = () =>
      loadConfig({ DOJO_DATA_DIR: dataDir(), PORT: "eighty", DOCKER_HOST: "/var/run/docker.sock", DOJO_INSTANCE: "Bad Name", DOJO_SECRET: "short" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ["PORT", "DOCKER_HOST", "DOJO_INSTANCE", "DOJO_SECRET"]) expect(message).toContain(name);
    }
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
    expect(() => loadConfig({ ...example, DOJO_DATA_DIR: dataDir() })).not.toThrow();
  });
});
