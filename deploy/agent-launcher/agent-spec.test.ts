import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentContainerSpec, launcherSettings } from "./agent-spec";

const SECRET = "s".repeat(32);
const base = { LAUNCHER_APP_DIR: "/opt/dojo", DATABASE_URL: "postgresql://dojo:pw@127.0.0.1:5432/dojo", AGENT_ID: "node-1" };

describe("the agent launcher's container", () => {
  it("runs the agent with the host settings a Swarm task cannot have, and the launcher's platform settings", () => {
    const spec = agentContainerSpec(launcherSettings({ ...base, DOJO_SECRET: SECRET, HOSTNAME: "abc123", PATH: "/usr/bin", LAUNCHER_NAME: "agent-x" }));
    expect(spec.HostConfig).toMatchObject({ UsernsMode: "host", PidMode: "host", NetworkMode: "host", CapAdd: ["NET_ADMIN"], Init: true });
    expect(spec.HostConfig.Binds).toEqual(expect.arrayContaining(["/opt/dojo:/app:ro", "/var/run/docker.sock:/var/run/docker.sock", "/proc:/host/proc"]));
    expect(spec).toMatchObject({ name: "agent-x", Image: "dojo/node:20", Labels: { "dojo.role": "agent", "dojo.agent-launcher": "agent-x" } });
    // Platform settings pass; the launcher's container's own variables do not.
    expect(spec.Env).toEqual(expect.arrayContaining([`DATABASE_URL=${base.DATABASE_URL}`, "AGENT_ID=node-1", `DOJO_SECRET=${SECRET}`, "DOJO_HOST_PROC=/host/proc"]));
    expect(spec.Env.some((line) => line.startsWith("HOSTNAME=") || line.startsWith("PATH="))).toBe(false);
  });

  it("hands a Swarm secret's contents on as DOJO_SECRET, since the file is mounted in the launcher only", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dojo-launcher-")), "dojo_secret");
    writeFileSync(file, "f".repeat(40) + "\n");
    const { Env } = agentContainerSpec(launcherSettings({ ...base, DOJO_SECRET_FILE: file }));
    expect(Env).toContain(`DOJO_SECRET=${"f".repeat(40)}`);
    expect(Env.some((line) => line.startsWith("DOJO_SECRET_FILE="))).toBe(false);
  });

  it("says in a sentence what is wrong with its settings, the agent's included", () => {
    expect(() => launcherSettings({ ...base, LAUNCHER_APP_DIR: "dojo", DOJO_SECRET: SECRET })).toThrow(/LAUNCHER_APP_DIR must be the absolute path/);
    expect(() => launcherSettings({ ...base, LAUNCHER_NAME: "no spaces", DOJO_SECRET: SECRET })).toThrow(/LAUNCHER_NAME: "no spaces" is not a valid container name/);
    expect(() => launcherSettings({ ...base, DOJO_SECRET_FILE: "/nowhere/secret" })).toThrow("DOJO_SECRET_FILE is /nowhere/secret, but it does not exist.");
    expect(() => launcherSettings({ ...base, DOJO_SECRET: SECRET, SANDBOX_PORT: "eighty" })).toThrow(/SANDBOX_PORT/);
  });
});
