/**
 * The playground on a real engine: a learner's machines share a private network where they
 * reach each other by name (and node2 joins a Docker swarm node1 starts); another learner's
 * machines, the host and the outside world are out of reach; and the hostile inputs (a
 * machine past the limit, another learner's machine, a forged id, bad names) are refused in
 * sentences.
 */
import { execFileSync } from "node:child_process";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type PlaygroundMachines, type SandboxInfo } from "../../shared/protocol";
import { bridgeName } from "../src/engine/docker-engine";
import type { RunningService } from "../src/service";
import { PlaygroundNetworks } from "../src/sessions/playground-networks";
import { engine, newLearnerId, readyMachine, removeInstance, startService, testConfig, token, TestLearner, type TestMachine } from "./support/harness";

const config = testConfig({ PLAYGROUND_MAX_MACHINES: "2" });
let service: RunningService;

type Machine = TestMachine;

/** A page's connection to one machine of a learner's playground, its shell ready. */
const machine = (learner: string, name: string): Promise<Machine> =>
  readyMachine(service.port, { sub: learner, lesson: "play", template: "docker" }, name);

const networkOf = (learner: string) => new PlaygroundNetworks(engine, config.DOJO_INSTANCE).nameFor(learner);
const networkExists = (name: string) => execFileSync("docker", ["network", "ls", "-q", "--filter", `name=^${name}$`], { encoding: "utf8" }).trim() !== "";

/** The IPv6 link-local address a Linux interface takes from its MAC (modified EUI-64). */
function eui64LinkLocal(mac: string): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  const groups = [((b[0]! ^ 2) << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${groups.map((g) => g.toString(16)).join(":")}`;
}

const alice = newLearnerId();
const bob = newLearnerId();
let aliceNode1: Machine;
let aliceNode2: Machine;
let bobNode1: Machine;

beforeAll(async () => {
  service = await startService(config);
  [aliceNode1, bobNode1] = await Promise.all([machine(alice, "node1"), machine(bob, "node1")]);
  aliceNode2 = await machine(alice, "node2");
}, 180_000);
afterAll(async () => {
  for (const page of [aliceNode1, aliceNode2, bobNode1]) page?.close();
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
});

describe("the playground", () => {
  it("gives each machine its name, one lifetime for the session, and lists the machines", async () => {
    expect(await aliceNode2.run("hostname")).toBe("node2");
    expect(aliceNode2.info.playground).toEqual({ machine: "node2", machines: ["node1", "node2"], maxMachines: 2 });
    expect(aliceNode2.info.expiresAt).toBe(aliceNode1.info.expiresAt);
  });

  it("lets a learner's machines reach each other by name, and their own engines run", async () => {
    expect(await aliceNode2.run("ping -c1 -W5 node1 >/dev/null && echo reached")).toBe("reached");
    // A server in node1's own Docker engine, published on node1, answers node2 by name.
    await aliceNode1.run("docker run -d --rm -p 8080:80 busybox httpd -f -p 80 -h /etc >/dev/null", 90_000);
    expect(await aliceNode2.run("for i in $(seq 50); do curl -sf -o /dev/null http://node1:8080/hostname && break; sleep 0.2; done; curl -s http://node1:8080/hostname"))
      .toMatch(/^[0-9a-f]{12}$/);
  }, 120_000);

  it("keeps another learner's machines out of reach, by name and by address", async () => {
    const aliceAddress = await aliceNode1.run("hostname -i");
    expect(aliceAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // Bob's "node1" is his own machine; Alice's node2 is no name on his network.
    expect(await bobNode1.run("hostname -i")).not.toBe(aliceAddress);
    expect(await bobNode1.run("getent hosts node2 || echo unknown", 30_000)).toBe("unknown");
    expect(await bobNode1.run(`ping -c1 -W3 ${aliceAddress} >/dev/null 2>&1; echo exit=$?`)).toBe("exit=1");
    expect(await bobNode1.run(`curl -s --max-time 3 http://${aliceAddress}:8080/hostname; echo exit=$?`)).toMatch(/exit=(7|28)/);
    // Even a route of his own (he holds NET_ADMIN) leads nowhere: the bridges are apart.
    expect(await bobNode1.run(`ip route add ${aliceAddress} dev eth0 2>&1; curl -s --max-time 3 http://${aliceAddress}:8080/hostname; echo exit=$?`))
      .toMatch(/exit=(7|28)/);
  }, 60_000);

  it("keeps the host and the outside world out of reach, over IPv4 and IPv6", async () => {
    const hostAddresses = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === "IPv4").map((a) => a!.address);
    for (const address of hostAddresses) {
      expect(await aliceNode1.run(`curl -s --max-time 3 http://${address}:${service.port}/healthz; echo exit=$?`)).toMatch(/exit=(7|28)/);
    }
    // The host's side of the bridge has no address at all: nothing to reach over IPv6 link-local either.
    const bridge = bridgeName(networkOf(alice));
    expect(execFileSync("ip", ["-o", "addr", "show", "dev", bridge], { encoding: "utf8" }).trim()).toBe("");
    // The attack that this stops: switch IPv6 on inside (NET_ADMIN) and connect to the host at
    // the link-local address its side of the bridge would have (EUI-64 of its MAC).
    const mac = /link\/ether ([0-9a-f:]{17})/.exec(execFileSync("ip", ["link", "show", "dev", bridge], { encoding: "utf8" }))![1]!;
    const linkLocal = eui64LinkLocal(mac);
    // The probe means something only from a usable address: eth0's own link-local one, once
    // duplicate address detection has ended (until then it is "tentative" and cannot be a source).
    const usable = "ip -6 -o addr show dev eth0 scope link | grep -v tentative | grep -q inet6";
    const probe =
      `sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0; ipv6=off; for i in $(seq 100); do if ${usable}; then ipv6=on; break; fi; sleep 0.1; done; echo ipv6=$ipv6; ` +
      `curl -s --max-time 3 "http://[${linkLocal}%25eth0]:${service.port}/healthz"; echo exit=$?`;
    expect(await aliceNode1.run(probe, 30_000)).toMatch(/^ipv6=on\s+exit=(7|28)$/);
    expect(await aliceNode1.run("curl -s --max-time 3 http://1.1.1.1/; echo exit=$?")).toMatch(/exit=(7|28)/);
  }, 60_000);

  it("refuses a machine past PLAYGROUND_MAX_MACHINES, bad names, another learner's machine and forged ids", async () => {
    const third = await aliceNode1.request<SandboxInfo>(EVENTS.sandboxOpen, { machine: "node3" });
    expect(third).toMatchObject({ ok: false, error: { code: "too_many", message: expect.stringMatching(/at most 2 machines/) } });
    for (const bad of ["../node1", "node0", "node1; rm -rf /", "NODE1", "node100"]) {
      const open = await bobNode1.request(EVENTS.sandboxOpen, { machine: bad });
      expect(open).toMatchObject({ ok: false, error: { code: "bad_request" } });
      const remove = await bobNode1.request(EVENTS.playRemove, { machine: bad });
      expect(remove).toMatchObject({ ok: false, error: { code: "bad_request" } });
    }
    // Bob names "node2": only his own playground is searched, and he has none.
    const removal = await bobNode1.request(EVENTS.playRemove, { machine: "node2" });
    expect(removal).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(service.manager.findById(aliceNode2.info.id)).toBeDefined();
    // Alice's machine's id, forged into Bob's open, is refused (and his socket stays his).
    const forged = await bobNode1.request(EVENTS.sandboxOpen, { machine: "node1", sandboxId: aliceNode1.info.id });
    expect(forged).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // A lesson's token has no machines.
    const lesson = new TestLearner(service.port, { token: token({ sub: bob, lesson: "meet-docker", template: "docker" }) });
    await lesson.connected();
    expect(await lesson.request(EVENTS.sandboxOpen, { machine: "node1" })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    expect(await lesson.request(EVENTS.playRemove, { machine: "node1" })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    lesson.close();
  }, 60_000);

  // Alice's two machines again (the limit is 2, and they are already up). The swarm is not
  // left afterwards: it lives in the machines' own engines, and they are removed next.
  it("lets node1 start a Docker swarm that node2 joins by name", async () => {
    const address = await aliceNode1.run("hostname -i");
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // Each machine's engine is started beside its shell (dojo-docker-init): wait until it answers.
    const engineUp = "timeout 60 sh -c 'until docker info >/dev/null 2>&1; do sleep 0.5; done' && echo engine-up";
    expect(await aliceNode1.run(engineUp, 70_000)).toBe("engine-up");
    expect(await aliceNode2.run(engineUp, 70_000)).toBe("engine-up");
    const joinToken = await aliceNode1.run(`docker swarm init --advertise-addr ${address} >/dev/null && docker swarm join-token -q worker`, 90_000);
    expect(joinToken).toMatch(/^SWMTKN-1-[0-9a-z]+-[0-9a-z]+$/);
    expect(await aliceNode2.run(`docker swarm join --token ${joinToken} node1:2377 >/dev/null && echo joined`, 90_000)).toBe("joined");
    const nodes = await aliceNode1.run(
      "for i in $(seq 60); do [ \"$(docker node ls --format '{{.Status}}' | grep -cx Ready)\" = 2 ] && break; sleep 0.5; done; " +
        "docker node ls --format '{{.Hostname}} {{.Status}}' | sort",
      60_000,
    );
    expect(nodes).toBe("node1 Ready\nnode2 Ready");
  }, 300_000);

  it("removes a machine on request, and the network with the last one", async () => {
    const ended = aliceNode2.waitUntil(() => aliceNode2.ended[0], () => "waiting for node2 to end");
    const answer = await aliceNode1.request<PlaygroundMachines>(EVENTS.playRemove, { machine: "node2" });
    expect(answer).toEqual({ ok: true, value: { machines: ["node1"], maxMachines: 2 } });
    expect((await ended).reason).toBe("removed");
    expect(await engine.inspect(aliceNode2.info.id)).toBeNull();
    expect(await aliceNode1.run("getent hosts node2 || echo unknown", 30_000)).toBe("unknown");
    expect(networkExists(networkOf(alice))).toBe(true);
    expect(await aliceNode1.request(EVENTS.playRemove, { machine: "node1" })).toMatchObject({ ok: true });
    await expect.poll(() => networkExists(networkOf(alice)), { timeout: 15_000 }).toBe(false);
  }, 60_000);
});
