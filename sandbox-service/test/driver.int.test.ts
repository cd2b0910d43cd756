/** The Docker driver against the real engine. */
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { EngineUnavailableError, ImageMissingError, SandboxGoneError, SandboxNotRunningError } from "../src/engine/engine";
import { DockerEngine } from "../src/engine/docker-engine";
import { engine, removeInstance } from "./support/harness";

const instance = `it-driver-${randomBytes(3).toString("hex")}`;
const labels = { "dojo.managed": "true", "dojo.instance": instance };

afterAll(() => removeInstance(instance));

function collect(stream: Duplex): { text: () => string } {
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return { text: () => text };
}

async function until(check: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; got:\n${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function spec(name: string, image = "dojo/lab-shell:latest") {
  return { name, hostname: "driver-test", image, labels, cmd: ["sleep", "infinity"], hostConfig: { NetworkMode: "none", Init: true } };
}

describe("DockerEngine", () => {
  it("creates, lists by label, runs a TTY shell, resizes it, and removes", async () => {
    const name = `dojo-test-${randomBytes(4).toString("hex")}`;
    const container = await engine.createAndStart(spec(name));
    expect((await engine.list(labels)).map((c) => c.id)).toContain(container.id);
    expect(await engine.inspect(container.id)).toMatchObject({ name, state: "running", labels });

    const tty = await engine.openTty(container.id, { cmd: ["bash", "--norc"], env: ["TERM=xterm-256color"], size: { cols: 91, rows: 27 } });
    const out = collect(tty.stream);
    tty.stream.write("echo $((6*7)); stty size\r");
    await until(() => /\b42\r?\n/.test(out.text()) && /27 91/.test(out.text()), out.text);

    await tty.resize({ cols: 133, rows: 41 });
    tty.stream.write("stty size\r");
    await until(() => /41 133/.test(out.text()), out.text);

    // Ctrl-C interrupts a running program, as in a real terminal.
    tty.stream.write("sleep 30\r");
    await new Promise((r) => setTimeout(r, 300));
    tty.stream.write("\x03echo after-$((2+2))\r");
    await until(() => /after-4/.test(out.text()), out.text);

    await engine.remove(container.id);
    expect(await engine.inspect(container.id)).toBeNull();
    await engine.remove(container.id); // idempotent
  });

  it("a second TTY reaches the same container's files", async () => {
    const container = await engine.createAndStart(spec(`dojo-test-${randomBytes(4).toString("hex")}`));
    const first = await engine.openTty(container.id, { cmd: ["bash", "--norc"], env: [], size: { cols: 80, rows: 24 } });
    first.stream.resume();
    first.stream.write("echo kept > /tmp/file; exit\r");
    await new Promise<void>((resolve) => first.stream.once("end", () => resolve()));
    const second = await engine.openTty(container.id, { cmd: ["bash", "--norc"], env: [], size: { cols: 80, rows: 24 } });
    const out = collect(second.stream);
    second.stream.write("cat /tmp/file\r");
    await until(() => /^kept\r?$/m.test(out.text()), out.text);
    await engine.remove(container.id);
  });

  it("kills a command that runs past its timeout, with everything it started, even in the background or a session of its own", async () => {
    const container = await engine.createAndStart(spec(`dojo-test-${randomBytes(4).toString("hex")}`));
    // Processes whose command line holds "sleep 100…", as bash sees them in /proc (no ps needed).
    const sleepers = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f 2>/dev/null; echo; done | grep -c '^sleep 100' || true`;
    const hung = await engine.run(container.id, {
      cmd: ["bash", "-c", "sleep 1001 & setsid sleep 1002 < /dev/null > /dev/null 2>&1 & (sleep 1003 &) ; echo started; sleep 1000"],
      timeoutMs: 1_500,
    });
    expect(hung).toMatchObject({ exitCode: null, stdout: "started\n" });
    const left = await engine.run(container.id, { cmd: ["bash", "-c", sleepers], timeoutMs: 10_000 });
    expect(left).toMatchObject({ exitCode: 0, stdout: "0\n" });
    // The mark is per run: a process of the learner's own, started apart, is left alone.
    await engine.run(container.id, { cmd: ["bash", "-c", "setsid sleep 1004 < /dev/null > /dev/null 2>&1 &"], timeoutMs: 10_000 });
    await engine.run(container.id, { cmd: ["bash", "-c", "sleep 1005"], timeoutMs: 500 });
    expect((await engine.run(container.id, { cmd: ["bash", "-c", sleepers], timeoutMs: 10_000 })).stdout).toBe("1\n");
    await engine.remove(container.id);
  });

  it("reads a container's use, pauses it (nothing runs, twice is fine), lets it run again, and removes it paused", async () => {
    const container = await engine.createAndStart({ ...spec(`dojo-test-${randomBytes(4).toString("hex")}`), hostConfig: { NetworkMode: "none", Init: true, PidsLimit: 64 } });
    await engine.run(container.id, { cmd: ["sh", "-c", "sleep 300 & sleep 300 & true"], timeoutMs: 10_000 });
    const running = await engine.usage(container.id);
    // docker-init, `sleep infinity` and the two sleeps; the limit as set.
    expect(running).toMatchObject({ pids: 4, pidsLimit: 64 });
    expect(running!.onlineCpus).toBeGreaterThanOrEqual(1);
    expect(running!.readAt).toBeGreaterThan(Date.now() - 60_000);

    await engine.pause(container.id);
    await engine.pause(container.id);
    expect((await engine.inspect(container.id))?.state).toBe("paused");
    await expect(engine.run(container.id, { cmd: ["true"], timeoutMs: 10_000 })).rejects.toBeInstanceOf(SandboxNotRunningError);
    const frozen = await engine.usage(container.id);
    expect(frozen?.pids).toBe(4);
    expect(frozen!.readAt).toBeGreaterThanOrEqual(running!.readAt);

    await engine.unpause(container.id);
    await engine.unpause(container.id);
    expect((await engine.run(container.id, { cmd: ["echo", "awake"], timeoutMs: 10_000 })).stdout).toBe("awake\n");

    await engine.pause(container.id);
    await engine.remove(container.id);
    expect(await engine.inspect(container.id)).toBeNull();
    expect(await engine.usage(container.id)).toBeNull();
    await expect(engine.pause(container.id)).rejects.toBeInstanceOf(SandboxGoneError);
    await expect(engine.unpause(container.id)).rejects.toBeInstanceOf(SandboxGoneError);
  });

  it("fails to create from a missing image and leaves nothing behind", async () => {
    await expect(engine.createAndStart(spec(`dojo-test-${randomBytes(4).toString("hex")}`, "dojo/no-such-image:latest"))).rejects.toBeInstanceOf(ImageMissingError);
    expect(await engine.list(labels)).toEqual([]);
  });

  it("reports an engine that is not there as unavailable", async () => {
    const missing = new DockerEngine("unix:///tmp/dojo-no-docker-here.sock");
    await expect(missing.ping()).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(missing.list(labels)).rejects.toBeInstanceOf(EngineUnavailableError);
  });
});
