/**
 * The peer: wetty 3.2.0 (a browser terminal on socket.io + xterm.js + node-pty), installed
 * on demand into bench/peers/wetty/ and run as its own process with its own CLI:
 *
 *   node bench/peers/wetty/node_modules/wetty/build/main.js
 *     --host 127.0.0.1 --port <free> --base / --ssh-host localhost --command <wetty-attach.sh>
 *
 * Run as root with the ssh host "localhost", wetty does not ssh anywhere: every connection
 * gets `env -S <command>` in a new pty (wetty's server/command.ts and spawn.ts). The command
 * is wetty-attach.sh, which becomes `docker exec -it <container> bash -l` into the next
 * benchmark container, created from the same shell template as the platform's sandboxes.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { SandboxTemplate } from "../../sandbox-service/src/templates/template";
import { processMemory, type ProcessMemory } from "../support/proc-memory";
import { REPO_ROOT } from "../support/service-process";
import { stopChild } from "../support/stop-child";
import { sleep, within } from "../support/timing";
import { freePort } from "../../shared/testing/free-port";

const run = promisify(execFile);

export const WETTY_VERSION = "3.2.0";
const WETTY_DIR = path.join(REPO_ROOT, "bench", "peers", "wetty");
const WETTY_MAIN = path.join(WETTY_DIR, "node_modules", "wetty", "build", "main.js");
const ATTACH_SCRIPT = path.join(REPO_ROOT, "bench", "peers", "wetty-attach.sh");

function installedVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(WETTY_DIR, "node_modules", "wetty", "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Installs wetty into bench/peers/wetty/ unless that version is there with a working node-pty. */
export async function ensureWetty(): Promise<void> {
  const ptyLoads = () =>
    run(process.execPath, ["-e", "require('node-pty')"], { cwd: WETTY_DIR }).then(
      () => true,
      () => false,
    );
  if (installedVersion() === WETTY_VERSION && (await ptyLoads())) return;
  console.log(`installing wetty ${WETTY_VERSION} into ${path.relative(REPO_ROOT, WETTY_DIR)}/ (node-pty compiles; about a minute)…`);
  // bench/peers/wetty/package.json pins the version; no lock file, no audit.
  await run("npm", ["install", "--prefix", WETTY_DIR, "--no-package-lock", "--no-audit", "--no-fund"], { cwd: WETTY_DIR, maxBuffer: 16 * 1024 * 1024 });
  if (installedVersion() !== WETTY_VERSION) throw new Error(`wetty ${WETTY_VERSION} did not install into ${WETTY_DIR}`);
  if (!(await ptyLoads())) {
    // npm may skip dependency install scripts (allowScripts); node-pty needs its build.
    await run("npm", ["rebuild", "--prefix", WETTY_DIR, "node-pty"], { cwd: WETTY_DIR, maxBuffer: 16 * 1024 * 1024 });
    if (!(await ptyLoads())) throw new Error("wetty installed, but node-pty does not load (its native build failed)");
  }
}

/** wetty runs local commands only as root; otherwise it would ssh to localhost. */
export function wettyUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return "wetty runs a local command only when started as root";
  if (/\s/.test(ATTACH_SCRIPT)) return "the repository path contains whitespace (wetty's --command is split by env -S)";
  return undefined;
}

export class WettyServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly workDir: string,
  ) {}

  /**
   * Starts wetty; each connection attaches to the next of `containerIds` (round robin), with
   * the template's shell (same command, environment and working directory as the platform).
   */
  static async start(options: { template: SandboxTemplate; containerIds: readonly string[]; workDir: string; logFile: string }): Promise<WettyServer> {
    const { template, workDir } = options;
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const execOptions = [...template.shell.env.flatMap((variable) => ["-e", variable]), ...(template.shell.workingDir ? ["-w", template.shell.workingDir] : [])];
    writeFileSync(path.join(workDir, "exec-options"), execOptions.join("\n") + "\n");
    writeFileSync(path.join(workDir, "shell"), template.shell.cmd.join("\n") + "\n");
    writeFileSync(path.join(workDir, "containers"), options.containerIds.join("\n") + "\n");

    const port = await freePort();
    const log = openSync(options.logFile, "a");
    const child = spawn(
      process.execPath,
      [WETTY_MAIN, "--host", "127.0.0.1", "--port", String(port), "--base", "/", "--ssh-host", "localhost", "--command", ATTACH_SCRIPT, "--log-level", "warn"],
      { cwd: WETTY_DIR, stdio: ["ignore", log, log], env: { ...process.env, NODE_ENV: "production", BENCH_WETTY_DIR: workDir } },
    );
    closeSync(log);
    const server = new WettyServer(child, `http://127.0.0.1:${port}`, workDir);
    try {
      await within(30_000, "starting wetty", server.waitUntilServing());
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  memory(): ProcessMemory | null {
    return processMemory(this.pid);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, "wetty");
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private async waitUntilServing(): Promise<void> {
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`wetty exited with code ${this.child.exitCode}`);
      const ok = await fetch(`${this.url}/`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await sleep(200);
    }
  }
}
