/**
 * The Docker engine restarts under a running platform (dockerd --live-restore keeps the
 * containers): no sandbox is taken for gone while the engine is away, and the learner's
 * terminal carries on in the same sandbox, files kept, without reconnecting anything.
 *
 * The service reaches the engine through a unix socket that forwards to the real one;
 * "restarting the engine" closes that socket and cuts every connection through it (the
 * terminal's exec stream included), as a dockerd restart does, while the real engine and
 * its containers stay up for the other tests. The browser test (e2e/service-crash.spec.ts)
 * restarts the real dockerd, with a shell and a docker sandbox open (the engine nested in
 * the latter keeps its containers).
 */
import { mkdtempSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readyLearner, removeInstance, startService, testConfig } from "./support/harness";

const realSocket = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace("unix://", "");
const proxyPath = path.join(mkdtempSync(path.join(tmpdir(), "dojo-engine-")), "docker.sock");
const config = testConfig({ DOCKER_HOST: `unix://${proxyPath}` });

/** A stand-in for the engine's socket that can go away and come back. */
class EngineSocket {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();

  start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(realSocket);
      this.open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => (client.destroy(), upstream.destroy(), this.open.delete(client), this.open.delete(upstream));
      upstream.on("error", drop).on("close", drop);
      client.on("error", drop).on("close", drop);
    });
    return new Promise((resolve) => this.server!.listen(proxyPath, resolve));
  }

  /** As dockerd stopping: no new connections, and every open one (exec streams too) cut. */
  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.open) socket.destroy();
    await closed;
  }
}

const engineSocket = new EngineSocket();

afterAll(async () => {
  await engineSocket.stop().catch(() => undefined);
  await removeInstance(config.DOJO_INSTANCE);
});

describe("a Docker engine restart", () => {
  it("keeps every sandbox, and the learner's terminal comes back to the same one by itself", async () => {
    await engineSocket.start();
    const service = await startService(config);
    const learner = await readyLearner(service.port);
    const hostname = await learner.run("hostname");
    await learner.run("echo kept-across-the-restart > ~/work.txt");

    await engineSocket.stop();
    await learner.waitFor("Docker engine is restarting");
    // Sweeps while the engine is away remove nothing.
    await service.sweep();
    await service.sweep();
    expect(service.manager.list()).toHaveLength(1);
    expect(learner.ended).toEqual([]);

    await engineSocket.start();
    await learner.waitFor("Reconnected. This is a new shell in the same sandbox");
    await learner.waitFor(/# $/);
    expect(await learner.run("hostname")).toBe(hostname);
    expect(await learner.run("cat ~/work.txt")).toBe("kept-across-the-restart");
    await service.sweep();
    expect(service.manager.list()).toHaveLength(1);
    expect(learner.ended).toEqual([]);
    learner.close();
    await service.close();
  });
});
