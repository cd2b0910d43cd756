/** Starts and stops the relay (relay-server.ts) as a process of its own, as the service is one. */
import { fork, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../support/service-process";
import { stopChild } from "../support/stop-child";
import { within } from "../support/timing";

const SERVER = path.join(REPO_ROOT, "bench", "peers", "relay-server.ts");

export class RelayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** `env`: the benchmark's configuration (instance, secret, data dir), so the relay builds the same shell. */
  static async start(env: Record<string, string>, logFile: string): Promise<RelayProcess> {
    const log = openSync(logFile, "a");
    const child = fork(SERVER, [], { cwd: REPO_ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", log, log, "ipc"], env: { ...process.env, ...env, NODE_ENV: "production" } });
    closeSync(log);
    const port = await within(
      30_000,
      "starting the relay",
      new Promise<number>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`the relay exited with code ${code}; see ${logFile}`)));
        child.once("message", (message: { port: number }) => resolve(message.port));
      }),
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    return new RelayProcess(child, port);
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    await stopChild(this.child, "the relay");
  }
}
