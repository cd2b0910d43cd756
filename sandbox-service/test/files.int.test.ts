/**
 * The lesson editor's file API (file:read, file:write) against a real sandbox: what a
 * learner would see in the editor and in their terminal.
 */
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { EVENTS, type Ack, type FileContent, type FileWritten } from "../../shared/protocol";
import { readyLearner, TestLearner, token, useService } from "./support/harness";

// A small disk, so one test can fill it quickly; files here are tiny.
const { config, service: running } = useService({ SANDBOX_DISK_MB: "48" });
const MiB = 1024 * 1024;

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (content: Uint8Array) => Buffer.from(content).toString("utf8");

function read(learner: TestLearner, path: string): Promise<Ack<FileContent>> {
  return learner.request<FileContent>(EVENTS.fileRead, { path });
}

function write(learner: TestLearner, path: string, content: string | Uint8Array, baseVersion?: string): Promise<Ack<FileWritten>> {
  const body = typeof content === "string" ? bytes(content) : content;
  return learner.request<FileWritten>(EVENTS.fileWrite, { path, content: body, ...(baseVersion ? { baseVersion } : {}) });
}

async function readOk(learner: TestLearner, path: string): Promise<FileContent> {
  const answer = await read(learner, path);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

async function writeOk(learner: TestLearner, path: string, content: string | Uint8Array, baseVersion?: string): Promise<FileWritten> {
  const answer = await write(learner, path, content, baseVersion);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

/** The refusal's code and sentence. */
function refused(answer: Ack<unknown>): { code: string; message: string } {
  expect(answer.ok, JSON.stringify(answer)).toBe(false);
  return (answer as Extract<Ack<unknown>, { ok: false }>).error;
}

describe("file:read and file:write", () => {
  it("round-trips text, non-ASCII and empty files between the editor and the terminal", async () => {
    expect(config.SANDBOX_FILE_MAX_BYTES, "the default limit, which these tests assume").toBe(MiB);
    const alice = await readyLearner(running().port);
    const poem = "héllo wörld — 日本語 🐳\n\ttabs, \"quotes\" and \\backslashes\\\nno newline at the end";
    const written = await writeOk(alice, "~/poem.txt", poem);
    expect(written).toMatchObject({ path: "/root/poem.txt", size: bytes(poem).byteLength, version: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(await alice.run("sha256sum ~/poem.txt | cut -c1-64")).toBe(written.version.slice("sha256:".length));
    expect(await alice.run("tail -c 8 ~/poem.txt")).toBe("the end");

    const back = await readOk(alice, "/root/poem.txt");
    expect(back).toMatchObject({ path: "/root/poem.txt", exists: true, version: written.version, maxBytes: MiB });
    expect(text(back.content)).toBe(poem);

    // Written in the terminal, read by the editor.
    await alice.run("printf 'ça marche: ✓\\n' > /tmp/from-shell.txt");
    expect(text((await readOk(alice, "/tmp/from-shell.txt")).content)).toBe("ça marche: ✓\n");

    // An empty file exists, and is empty.
    await writeOk(alice, "~/empty.txt", "");
    expect(await alice.run("stat -c %s ~/empty.txt")).toBe("0");
    expect(await readOk(alice, "~/empty.txt")).toMatchObject({ exists: true, content: expect.objectContaining({ length: 0 }) });
    alice.close();
  });

  it("reads a file that does not exist yet as empty, and saving creates it and its folders", async () => {
    const alice = await readyLearner(running().port);
    const missing = await readOk(alice, "~/new-app/src/app.py");
    expect(missing).toMatchObject({ path: "/root/new-app/src/app.py", exists: false, version: "none" });
    expect(missing.content.length).toBe(0);

    await writeOk(alice, "~/new-app/src/app.py", "print('hi')\n", missing.version);
    expect(await alice.run("stat -c '%a %U %n' ~/new-app ~/new-app/src ~/new-app/src/app.py")).toBe(
      ["755 root /root/new-app", "755 root /root/new-app/src", "644 root /root/new-app/src/app.py"].join("\n"),
    );
    expect(await alice.run("python3 ~/new-app/src/app.py")).toBe("hi");
    // Nothing else was left behind (the temporary file was renamed into place).
    expect(await alice.run("ls -A ~/new-app/src")).toBe("app.py");
    alice.close();
  });

  it("keeps an existing file's mode and owner when saving", async () => {
    const alice = await readyLearner(running().port);
    await alice.run("printf '#!/bin/sh\\necho v1\\n' > ~/run.sh && chmod 750 ~/run.sh && chown 1000:1000 ~/run.sh");
    const before = await readOk(alice, "~/run.sh");
    await writeOk(alice, "~/run.sh", "#!/bin/sh\necho v2\n", before.version);
    expect(await alice.run("stat -c '%a %u:%g' ~/run.sh")).toBe("750 1000:1000");
    expect(await alice.run("~/run.sh")).toBe("v2");
    alice.close();
  });

  it("refuses paths outside the home folder and /tmp, and symlinks, in sentences — reading and writing nothing", async () => {
    const alice = await readyLearner(running().port);
    await alice.run("ln -s /etc ~/etc-link && ln -s /etc/passwd ~/passwd-link && md5sum /etc/passwd > /tmp/passwd.md5");

    expect(refused(await read(alice, "../../etc/passwd"))).toEqual({
      code: "bad_request",
      message: "“../../etc/passwd” is not an absolute path. Name the file from your home folder (~/app.py) or from the root (/root/app.py, /tmp/notes.txt).",
    });
    expect(refused(await read(alice, "/root/../etc/shadow"))).toEqual({
      code: "forbidden",
      message: "“/root/../etc/shadow” (it leads to /etc/shadow) is outside your home folder (~, which is /root) or /tmp: the editor opens files only there.",
    });
    expect(refused(await read(alice, "/etc/passwd"))).toMatchObject({ code: "forbidden", message: expect.stringContaining("is outside your home folder") });
    expect(refused(await write(alice, "~/../../etc/passwd", "owned\n"))).toMatchObject({ code: "forbidden" });

    // A symlink in the path, or as the file itself, would lead outside: refused either way.
    expect(refused(await read(alice, "~/etc-link/passwd"))).toEqual({
      code: "forbidden",
      message: "~/etc-link is a symbolic link (to /etc). The editor does not follow links, so it cannot be led outside your home folder: name the real folder instead.",
    });
    expect(refused(await write(alice, "~/etc-link/evil.conf", "x"))).toMatchObject({ code: "forbidden" });
    expect(refused(await read(alice, "~/passwd-link"))).toEqual({
      code: "forbidden",
      message: "~/passwd-link is a symbolic link (to /etc/passwd). The editor opens only regular files, so a link cannot lead it outside your home folder.",
    });
    expect(refused(await write(alice, "~/passwd-link", "owned\n"))).toMatchObject({ code: "forbidden" });

    expect(await alice.run("md5sum -c --quiet /tmp/passwd.md5 && echo passwd-intact")).toBe("passwd-intact");
    expect(await alice.run("ls /etc/evil.conf 2>&1; readlink ~/passwd-link")).toBe("ls: cannot access '/etc/evil.conf': No such file or directory\n/etc/passwd");
    alice.close();
  });

  it("refuses folders, pipes, binary files and files over the size limit", async () => {
    const alice = await readyLearner(running().port);
    await alice.run(
      "mkdir -p ~/folder && mkfifo ~/pipe && printf 'a\\000\\377b' > ~/binary && printf 'x' > ~/plain && head -c $((1024*1024+1)) /dev/zero | tr '\\0' a > ~/big.txt",
    );
    expect(refused(await read(alice, "~/folder"))).toEqual({ code: "bad_request", message: "~/folder is a folder, not a file." });
    expect(refused(await write(alice, "~/folder", "x"))).toEqual({ code: "bad_request", message: "~/folder is a folder, not a file." });
    expect(refused(await read(alice, "~/pipe"))).toMatchObject({ code: "bad_request", message: expect.stringContaining("is not a regular file") });
    expect(refused(await read(alice, "~/binary"))).toEqual({
      code: "bad_request",
      message: "~/binary is not a text file (it holds binary data), so the editor leaves it alone.",
    });
    expect(refused(await read(alice, "~/plain/inside.txt"))).toEqual({ code: "bad_request", message: "~/plain is a file, not a folder, so it cannot hold ~/plain/inside.txt." });
    expect(refused(await read(alice, "~/big.txt"))).toEqual({
      code: "too_large",
      message:
        "~/big.txt is too large for the editor: it is about 1.0 MiB (1,048,577 bytes), and the editor opens files of up to 1 MiB (1,048,576 bytes). Look at it in the terminal instead (less ~/big.txt).",
    });
    // Exactly at the limit is fine.
    await alice.run("truncate -s 1048576 ~/big.txt");
    expect((await readOk(alice, "~/big.txt")).content.length).toBe(MiB);
    expect(await alice.run("ls -A ~ | grep -c dojo-save || true")).toBe("0");
    alice.close();
  });

  it("refuses an oversized save in a sentence and keeps the old content; a message past the socket limit closes only that socket", async () => {
    const alice = await readyLearner(running().port);
    await writeOk(alice, "~/keep.txt", "the old content\n");

    expect(refused(await write(alice, "~/keep.txt", new Uint8Array(MiB + 1).fill(0x61)))).toEqual({
      code: "too_large",
      message:
        "This text is too large to save: it is about 1.0 MiB (1,048,577 bytes), and the editor saves files of up to 1 MiB (1,048,576 bytes). Nothing was saved: ~/keep.txt is unchanged.",
    });
    expect(alice.socket.connected).toBe(true);
    expect(await alice.run("cat ~/keep.txt")).toBe("the old content");

    // A second tab of the same learner sends something far beyond any limit: that socket goes.
    const tab = new TestLearner(running().port, { token: token({ sub: alice.learnerId }) });
    await tab.connected();
    await tab.openSandbox();
    const closed = new Promise<string>((resolve) => tab.socket.once("disconnect", resolve));
    (tab.socket as unknown as Socket).emit(EVENTS.fileWrite, { path: "~/keep.txt", content: new Uint8Array(4 * MiB) }, () => undefined);
    expect(await closed).toMatch(/transport close|io server disconnect/);
    expect(await alice.run("cat ~/keep.txt")).toBe("the old content");
    alice.close();
  });

  it("a save that fails halfway (disk full) leaves the old file and no partial file", async () => {
    const alice = await readyLearner(running().port);
    const health = (await (await fetch(`http://127.0.0.1:${running().port}/healthz`)).json()) as { diskLimits: boolean | string };
    if (health.diskLimits !== true) {
      console.warn("disk limits are not enforced by this engine's storage driver; the disk-full save was not tried");
      return;
    }
    const old = "print('version 1')\n";
    await writeOk(alice, "~/app.py", old);
    // Fill the sandbox's disk (SANDBOX_DISK_MB), then free 256 KiB: room to start the
    // save (Docker's extraction needs a little), not to finish it.
    await alice.run(
      "head -c 262144 /dev/zero > ~/reserve; dd if=/dev/zero of=~/fill bs=1M 2>/dev/null; dd if=/dev/zero of=~/fill2 bs=4k 2>/dev/null; sync; rm ~/reserve; sync",
    );
    const answer = await write(alice, "~/app.py", "print('version 2')\n".repeat(50_000));
    expect(refused(answer)).toEqual({
      code: "capacity",
      message: "Your sandbox's disk is full, so ~/app.py could not be saved; it is unchanged. Delete something you no longer need (rm) and save again.",
    });
    expect(await alice.run("cat ~/app.py")).toBe(old.trim());
    expect(await alice.run("ls -A ~ | grep -c dojo-save || true")).toBe("0");

    await alice.run("rm -f ~/fill ~/fill2; sync");
    await writeOk(alice, "~/app.py", "print('version 2')\n");
    expect(await alice.run("python3 ~/app.py")).toBe("version 2");
    alice.close();
  });

  it("refuses a save based on a version that changed in the sandbox since, until the learner chooses to overwrite", async () => {
    const alice = await readyLearner(running().port);
    await writeOk(alice, "~/notes.md", "# Notes\n");
    const loaded = await readOk(alice, "~/notes.md");
    await alice.run("echo 'added in the terminal' >> ~/notes.md");

    expect(refused(await write(alice, "~/notes.md", "# Notes\nfrom the editor\n", loaded.version))).toEqual({
      code: "conflict",
      message:
        "~/notes.md changed in your sandbox since you opened it (in the terminal or another tab). Reload to see that version, or overwrite it with yours.",
    });
    expect(await alice.run("cat ~/notes.md")).toBe("# Notes\nadded in the terminal");
    // Saving again without a base version overwrites, as the learner chose.
    await writeOk(alice, "~/notes.md", "# Notes\nfrom the editor\n");
    expect(await alice.run("cat ~/notes.md")).toBe("# Notes\nfrom the editor");
    // Deleted in the terminal since: also a conflict.
    const current = await readOk(alice, "~/notes.md");
    await alice.run("rm ~/notes.md");
    expect(refused(await write(alice, "~/notes.md", "x", current.version))).toMatchObject({ code: "conflict", message: expect.stringContaining("was deleted") });
    alice.close();
  });

  it("saves made in quick succession land in order, while the terminal keeps answering", async () => {
    const alice = await readyLearner(running().port);
    const saves = Array.from({ length: 7 }, (_, i) => write(alice, "~/counter.txt", `${i}\n`.repeat(100_000)));
    const reads = Array.from({ length: 1 }, () => read(alice, "/tmp/nothing-here.txt"));
    const filesDone = Promise.all([...saves, ...reads]).then((answers) => ({ answers, at: performance.now() }));
    // The shell answers while the file requests are still being worked through, not after them.
    expect(await alice.run("echo still-$((40+2))")).toBe("still-42");
    const terminalAt = performance.now();
    const { answers, at: filesAt } = await filesDone;
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(terminalAt).toBeLessThan(filesAt);
    expect(await alice.run("sort -u ~/counter.txt")).toBe("6");
    alice.close();
  });

  it("answers malformed file messages with a sentence", async () => {
    const learner = new TestLearner(running().port, { token: token() });
    await learner.connected();
    // Before a sandbox is open there is nothing to read.
    expect(await read(learner, "~/x")).toEqual({
      ok: false,
      error: { code: "not_found", message: "There is no sandbox open on this page. Reload the page to start one." },
    });
    await learner.openSandbox();
    const malformed: Array<[string, unknown]> = [
      [EVENTS.fileRead, { path: 42 }],
      [EVENTS.fileRead, {}],
      [EVENTS.fileRead, null],
      [EVENTS.fileRead, { path: "~/x", sandboxId: "0123456789ab" }],
      [EVENTS.fileRead, { path: "~/".padEnd(5000, "a") }],
      [EVENTS.fileWrite, { path: "~/x", content: "text instead of bytes" }],
      [EVENTS.fileWrite, { path: "~/x" }],
      [EVENTS.fileWrite, { path: "~/x", content: bytes("x"), baseVersion: "v1" }],
    ];
    for (const [event, payload] of malformed) {
      const error = refused(await learner.request(event, payload));
      expect(error.code).toBe("bad_request");
      expect(error.message).toMatch(new RegExp(`^Malformed "${event}" message \\(.+\\)\\.$`));
    }
    expect(refused(await read(learner, "~/a\0b"))).toEqual({ code: "bad_request", message: "A file path cannot contain a NUL character." });
    // Without an acknowledgement callback: a protocol error, not silence.
    (learner.socket as unknown as Socket).emit(EVENTS.fileRead, { path: "~/x" });
    await expect.poll(() => learner.protocolErrors).toContain(`"file:read" needs an acknowledgement callback.`);
    expect((await readOk(learner, "~/x")).exists).toBe(false);
    learner.close();
  });

  it("another learner can neither read nor write your sandbox's files", async () => {
    const alice = await readyLearner(running().port);
    await writeOk(alice, "~/secret.txt", "alice's secret\n");

    const mallory = new TestLearner(running().port, { token: token() });
    await mallory.connected();
    // No way to name Alice's sandbox: the request has no sandbox id, and sandbox:open refuses hers.
    expect(refused(await mallory.request(EVENTS.fileRead, { path: "~/secret.txt", sandboxId: alice.sandbox.id }))).toMatchObject({ code: "bad_request" });
    expect(refused(await mallory.request(EVENTS.sandboxOpen, { sandboxId: alice.sandbox.id }))).toEqual({
      code: "forbidden",
      message: "That sandbox belongs to another learner.",
    });
    expect(refused(await read(mallory, "~/secret.txt"))).toMatchObject({ code: "not_found" });
    // Her own sandbox has no such file, and what she writes stays in hers.
    const own = await mallory.openSandbox();
    expect(own.id).not.toBe(alice.sandbox.id);
    expect(await readOk(mallory, "~/secret.txt")).toMatchObject({ exists: false });
    await writeOk(mallory, "~/secret.txt", "mallory was here\n");
    expect(await alice.run("cat ~/secret.txt")).toBe("alice's secret");
    expect(text((await readOk(alice, "~/secret.txt")).content)).toBe("alice's secret\n");
    alice.close();
    mallory.close();
  });
});
