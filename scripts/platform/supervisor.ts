/**
 * Keeps the platform's long-lived processes (the web app, the sandbox service) running:
 *
 * - Each program leads a process group of its own, so stopping it stops everything it
 *   started (no `next-server` left holding port 3000 after its parent went).
 * - A program that exits while the platform runs is started again after a delay from the
 *   RestartPolicy, with a log line saying why and when; one that keeps crashing fails for
 *   good, and the platform stops with every other program and says so.
 * - stop() (Ctrl-C, SIGTERM) gives every group SIGTERM, waits for their orderly stop, then
 *   SIGKILLs what is left, and resolves once nothing of them runs: the ports are free.
 * - A reaper (reaper.sh) holds a pipe from this process; if the supervisor itself dies
 *   without stopping them (kill -9), the reaper stops every group it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { stopGroup } from "./process-group";
import { DEFAULT_RESTART_POLICY, RestartPolicy, type RestartPolicyOptions } from "./restart-policy";

export interface Program {
  /** Prefix of its output lines, e.g. "web". */
  name: string;
  command: string;
  args: string[];
  /** Added to the supervisor's environment for this program. */
  env?: Record<string, string>;
  /** Answers (status < 500) once the program is up: after a restart the supervisor says when it is back. */
  healthUrl?: string;
}

export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  policy?: RestartPolicyOptions;
  /**
   * How long a program may take for its orderly stop before it is killed. The sandbox
   * service finishes requests in flight first (up to 10 s): shorter cuts those off; longer
   * only delays a stop whose program hangs.
   */
  stopGraceMs?: number;
  /** Where output lines go (default: stdout). */
  out?: (line: string) => void;
}

const DEFAULT_STOP_GRACE_MS = 15_000;
const REAPER = path.join(import.meta.dirname, "reaper.sh");
/** How often a restarted program's health URL is asked whether it is back. */
const HEALTH_POLL_MS = 500;

interface Supervised {
  program: Program;
  policy: RestartPolicy;
  child?: ChildProcess;
  /** Its process group (the leader's pid), until the group is gone. */
  pgid?: number;
  starts: number;
  restartTimer?: NodeJS.Timeout;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ?? `code ${code}`;
}

export class Supervisor {
  private readonly supervised: Supervised[];
  private readonly out: (line: string) => void;
  private reaper: ChildProcess | undefined;
  private stopping: Promise<number> | undefined;
  private resolveDone!: (code: number) => void;
  /** Resolves with the platform's exit code once every program has stopped. */
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor(
    programs: Program[],
    private readonly options: SupervisorOptions,
  ) {
    this.out = options.out ?? ((line) => console.log(line));
    this.supervised = programs.map((program) => ({
      program,
      policy: new RestartPolicy(options.policy ?? DEFAULT_RESTART_POLICY),
      starts: 0,
    }));
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  start(): void {
    this.reaper = spawn("bash", [REAPER], { detached: true, stdio: ["pipe", "ignore", "inherit"] });
    // If the reaper is gone, the supervisor still works; only the kill -9 insurance is lost.
    this.reaper.stdin!.on("error", () => undefined);
    this.reaper.on("error", (error) => this.out(`[platform] could not start the reaper (${error.message}); a kill -9 of the platform could leave processes behind.`));
    for (const entry of this.supervised) this.launch(entry);
  }

  /** The pid of a program's current process (its group's leader), if it runs. */
  pidOf(name: string): number | undefined {
    return this.supervised.find((s) => s.program.name === name)?.child?.pid;
  }

  /** Stops every program (orderly, then by force after the grace period); resolves with `code` once all are gone. */
  stop(code: number): Promise<number> {
    this.stopping ??= (async () => {
      for (const entry of this.supervised) clearTimeout(entry.restartTimer);
      await Promise.all(this.supervised.map((entry) => this.stopEntry(entry)));
      await this.endReaper();
      this.resolveDone(code);
      return code;
    })();
    return this.stopping;
  }

  /**
   * Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop everything in order; a second
   * one kills at once. `onStop` is told which signal started it.
   */
  stopOnSignals(onStop: (signal: NodeJS.Signals) => void = () => undefined): void {
    let received = 0;
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(signal, () => {
        if (++received > 1) return this.kill();
        onStop(signal);
        void this.stop(0);
      });
    }
  }

  /** No more waiting for orderly stops: SIGKILL to every group. */
  kill(): void {
    for (const entry of this.supervised) {
      if (entry.pgid !== undefined) {
        try {
          process.kill(-entry.pgid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  private launch(entry: Supervised): void {
    const { program } = entry;
    entry.starts++;
    const child = spawn(program.command, program.args, {
      env: { ...this.options.env, ...program.env },
      cwd: this.options.cwd,
      // A process group (and session) of its own: signalled as a whole, and not hit by the
      // terminal's Ctrl-C, which the supervisor turns into an orderly stop of everything.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    entry.child = child;
    if (child.pid !== undefined) {
      entry.pgid = child.pid;
      this.reaper?.stdin?.write(`+${child.pid}\n`);
    }
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => this.out(`[${program.name}] ${line}`));
    }
    let exited = false;
    const onExit = (how: string) => {
      if (exited) return;
      exited = true;
      void this.exited(entry, child, how);
    };
    child.once("exit", (code, signal) => onExit(describeExit(code, signal)));
    // Could not be started at all (e.g. the command is missing): a crash like any other.
    child.once("error", (error) => onExit(error.message));
    if (entry.starts > 1 && program.healthUrl) void this.announceWhenBack(entry, child);
  }

  private async exited(entry: Supervised, child: ChildProcess, how: string): Promise<void> {
    if (entry.child === child) entry.child = undefined;
    if (this.stopping) return;
    const { name } = entry.program;
    // Whatever it started goes with it, so the next start finds its port free.
    await this.stopEntry(entry);
    if (this.stopping) return;
    const delay = entry.policy.crashed();
    if (delay === null) {
      const seconds = Math.round((this.options.policy ?? DEFAULT_RESTART_POLICY).windowMs / 1000);
      this.out(
        `[platform] ${name} exited (${how}): ${entry.policy.recentCrashes} crashes within ${seconds} s, so it is failing for good and the platform stops. Its last lines are above.`,
      );
      void this.stop(1);
      return;
    }
    this.out(`[platform] ${name} exited (${how}); starting it again in ${delay / 1000} s.`);
    entry.restartTimer = setTimeout(() => {
      if (!this.stopping) this.launch(entry);
    }, delay);
  }

  /** Ends the entry's process group, if any, and forgets it. */
  private async stopEntry(entry: Supervised): Promise<void> {
    const pgid = entry.pgid;
    if (pgid === undefined) return;
    const result = await stopGroup(pgid, this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    if (result === "killed") this.out(`[platform] ${entry.program.name} did not stop within the grace period; killed.`);
    if (entry.pgid === pgid) entry.pgid = undefined;
    this.reaper?.stdin?.write(`-${pgid}\n`);
  }

  /** Nothing left for it to guard: it reads the end of its pipe and exits (waited for, so none of ours outlives the supervisor). */
  private async endReaper(): Promise<void> {
    const reaper = this.reaper;
    if (!reaper || reaper.exitCode !== null || reaper.signalCode !== null) return;
    const exited = new Promise((resolve) => reaper.once("exit", resolve));
    reaper.stdin?.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
  }

  private async announceWhenBack(entry: Supervised, child: ChildProcess): Promise<void> {
    const url = entry.program.healthUrl!;
    while (entry.child === child && !this.stopping) {
      try {
        if ((await fetch(url)).status < 500) {
          this.out(`[platform] ${entry.program.name} is back (${url} answers).`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  }
}
