/**
 * Docker inside the sandbox: each learner's own engine, images from the platform's
 * read-only registry, no network, and nothing left when the sandbox goes.
 */
import { execFileSync } from "node:child_process";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningService } from "../src/service";
import { containersOf, readyLearner, removeInstance, startService, testConfig } from "./support/harness";
import { portGet } from "./support/port-client";

type ReadyLearner = Awaited<ReturnType<typeof readyLearner>>;

// A small disk, so that filling it is quick.
const config = testConfig({ SANDBOX_DOCKER_DISK_MB: "1024" });
let service: RunningService;
let alice: ReadyLearner;
let bob: ReadyLearner;

function volumesOfInstance(): string[] {
  return execFileSync("docker", ["volume", "ls", "-q", "--filter", `label=dojo.instance=${config.DOJO_INSTANCE}`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

beforeAll(async () => {
  service = await startService(config);
  [alice, bob] = await Promise.all([readyLearner(service.port, { template: "docker" }), readyLearner(service.port, { template: "docker" })]);
});
afterAll(async () => {
  alice?.close();
  bob?.close();
  await service.close();
  await removeInstance(config.DOJO_INSTANCE);
});

describe("docker sandboxes", () => {
  it("have their own Docker engine, ready before the prompt", async () => {
    expect(await alice.run("docker info --format '{{.ServerVersion}}'")).toMatch(/^\d+\.\d+/);
  });

  it("pull from the platform registry offline and run containers", async () => {
    expect(await alice.run("docker pull -q busybox")).toMatch(/busybox/);
    expect(await alice.run("docker run --rm busybox echo hello-from-nested")).toBe("hello-from-nested");
    expect(await alice.run("docker images --format '{{.Repository}}' | sort -u | tr '\\n' ' '")).toContain("busybox");
  });

  it("cannot overwrite the shared registry's images", async () => {
    const push = await alice.run("docker pull -q busybox >/dev/null && docker tag busybox 127.0.0.1:49500/library/busybox:mine && docker push 127.0.0.1:49500/library/busybox:mine 2>&1; echo exit=$?");
    expect(push).toMatch(/Method not allowed/i);
    expect(push).toMatch(/exit=1/);
    const tags = execFileSync("curl", ["-s", "--unix-socket", `${config.DOJO_REGISTRY_SOCKET_DIR}/registry.sock`, "http://registry/v2/library/busybox/tags/list"], {
      encoding: "utf8",
    });
    expect(JSON.parse(tags).tags).toEqual(["latest"]);
  });

  it("keep data in named volumes across containers", async () => {
    await alice.run("docker volume create data_volume");
    await alice.run("docker run --rm -v data_volume:/data busybox sh -c 'echo kept > /data/file'");
    expect(await alice.run("docker run --rm -v data_volume:/data busybox cat /data/file")).toBe("kept");
  });

  it("builds the Flask example and serves it on a published port inside the sandbox", async () => {
    // A build pulls python:3 and copies the app: slow on a loaded machine.
    await alice.run("cp -r /usr/share/dojo/examples/flask-app ~ && cd ~/flask-app && docker build -q -t docker:example_01 .", 90_000);
    await alice.run("docker run -d --name web -p 5000:5000 docker:example_01");
    const reply = await alice.run("for i in $(seq 1 50); do curl -sf localhost:5000 && break; sleep 0.2; done");
    expect(reply).toMatch(/^Hello from a container! I am [0-9a-f]{12}\.$/);
  });

  it("open a port in the browser through the platform, for their learner only", async () => {
    const link = await alice.request<{ url: string }>("sandbox:port-link", { port: 5000 });
    expect(link.ok).toBe(true);
    const url = link.ok ? link.value.url : "";
    const origin = new URL(url).origin;
    expect(origin).toBe(`http://${alice.sandbox.id.slice(0, 12)}-5000.ports.localhost:${service.port}`);

    // Without the grant or its cookie: refused, in a sentence.
    const stranger = await portGet(`${origin}/`);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toContain("Open it with the link on your lesson page");

    // The grant becomes a cookie for this origin, and a redirect to the clean address.
    const granted = await portGet(url);
    expect(granted.status).toBe(302);
    expect(granted.headers.location).toBe("/");
    const cookie = granted.headers["set-cookie"]![0]!.split(";")[0]!;
    const page = await portGet(`${origin}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/^Hello from a container!/);

    // The cookie opens this port of this sandbox and nothing else; nothing listening is said in a sentence.
    expect((await portGet(`${origin.replace("-5000.", "-5001.")}/`, { cookie })).status).toBe(403);
    const nothing = await alice.request<{ url: string }>("sandbox:port-link", { port: 5999 });
    const url5999 = nothing.ok ? nothing.value.url : "";
    const grant5999 = await portGet(url5999);
    const refused = await portGet(`${new URL(url5999).origin}/`, { cookie: grant5999.headers["set-cookie"]![0]!.split(";")[0]! });
    expect(refused.status).toBe(502);
    expect(refused.body).toContain("Nothing answers on port 5999 in your sandbox");
  });

  it("show each learner only their own containers", async () => {
    await alice.run("docker run -d --name alice-only busybox sleep 300");
    expect(await alice.run("docker ps --format '{{.Names}}'")).toContain("alice-only");
    expect(await bob.run("docker ps -a --format '{{.Names}}' | wc -l")).toBe("0");
  });

  it("keep nested containers inside the sandbox's own cgroup, its limits, and out of sight of other sandboxes", async () => {
    // The sandbox sees its own cgroup as the root, with its own memory limit.
    expect(Number(await alice.run("cat /sys/fs/cgroup/memory/memory.limit_in_bytes"))).toBe(config.SANDBOX_DOCKER_MEMORY_MB * 1024 * 1024);
    const nested = await alice.run("docker run -d busybox sleep 300");
    // On the host, the nested container's cgroup lies under the sandbox's.
    const sandboxCgroup = `/sys/fs/cgroup/memory/docker/${alice.sandbox.id}`;
    expect(execFileSync("find", [sandboxCgroup, "-maxdepth", "2", "-type", "d", "-name", nested], { encoding: "utf8" }).trim()).toBe(`${sandboxCgroup}/docker/${nested}`);
    // From inside, nothing of the host's other containers (Bob's sandbox among them) shows.
    const visible = await alice.run("find /sys/fs/cgroup/memory -mindepth 1 -type d | sed 's|.*/||' | sort -u | tr '\n' ' '");
    expect(visible).not.toContain(bob.sandbox.id);
    expect(visible).not.toContain(alice.sandbox.id);
    await alice.run(`docker rm -f ${nested} >/dev/null`);
  });

  it("still have no route out, not even from nested containers", async () => {
    // The host's own addresses, where the sandbox service listens.
    const hostAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === "IPv4" && !a.internal)
      .map((a) => a!.address);
    expect(hostAddresses.length).toBeGreaterThan(0);
    for (const address of hostAddresses) {
      const probe = await alice.run(`docker run --rm busybox sh -c 'wget -T 3 -q -O- http://${address}:${service.port}/healthz 2>&1; echo exit=$?'`);
      expect(probe).toMatch(/exit=1/);
      expect(probe).not.toContain("status");
    }
  });

  it("keep everything their engine stores under the sandbox's disk limit, with a sentence when it is reached", async () => {
    const carol = await readyLearner(service.port, { template: "docker" });
    try {
      // Nested images and containers live inside the sandbox's own file system, which the host's
      // engine limits (btrfs quota): writing past SANDBOX_DOCKER_DISK_MB from a nested container fails…
      const fill = await carol.run(
        `docker run --rm busybox dd if=/dev/zero of=/fill bs=1M oflag=direct count=${config.SANDBOX_DOCKER_DISK_MB + 200} 2>&1 | tail -n 3`,
        120_000,
      );
      expect(fill).toMatch(/Disk quota exceeded/i);
      // …the learner is told what happened and what to do…
      await carol.waitForNotice(/used all of its \d+ MiB of disk \(files, images and containers together\)/);
      // …and neighbours keep working.
      expect(await bob.run("docker pull -q busybox >/dev/null; docker run --rm busybox echo still-fine")).toBe("still-fine");
      // The nested container's space came back with its removal.
      expect(await carol.run("dd if=/dev/zero of=/root/after bs=1M count=10 >/dev/null 2>&1 && echo wrote")).toBe("wrote");
    } finally {
      carol.close();
    }
  });

  it("leave no container or volume behind when removed", async () => {
    for (const sandbox of service.manager.list()) await service.manager.remove(sandbox, "reset");
    expect(volumesOfInstance()).toEqual([]);
    expect(await containersOf(config.DOJO_INSTANCE)).toEqual([]);
  });
});
