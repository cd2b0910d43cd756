/** With the Docker engine away the learner reads why; when it comes back, it just works. */
import { mkdtempSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeInstance, startService, testConfig, TestLearner, token } from "./support/harness";

const realSocket = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace("unix://", "");
const proxyPath = path.join(mkdtempSync(path.join(tmpdir(), "dojo-engine-")), "docker.sock");
const config = testConfig({ DOCKER_HOST: `unix://${proxyPath}` });
let proxy: Server | undefined;

afterAll(async () => {
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await removeInstance(config.DOJO_INSTANCE);
});

/** "Starts the engine": a unix socket at DOCKER_HOST that forwards to the real engine. */
function engineComesBack(): Promise<void> {
  proxy = createServer((client) => {
    const upstream = createConnection(realSocket);
    client.pipe(upstream).pipe(client);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  return new Promise((resolve) => proxy!.listen(proxyPath, resolve));
}

describe("Docker engine outage", () => {
  it("tells the learner in a sentence, then recovers without a restart", async () => {
    const service = await startService(config);
    const learner = new TestLearner(service.port, { token: token() });
    await learner.connected();
    const down = await learner.request("sandbox:open", {});
    expect(down).toEqual({
      ok: false,
      error: {
        code: "engine_unavailable",
        message: "The sandbox engine (Docker) is not reachable right now. We keep trying; your sandbox starts as soon as it is back.",
      },
    });

    await engineComesBack();
    const up = await learner.request<{ hostname: string }>("sandbox:open", {});
    expect(up.ok).toBe(true);
    await learner.openTerminal();
    await learner.waitFor("# ");
    expect(await learner.run("echo recovered")).toBe("recovered");
    learner.close();
    await service.close();
  });
});
