/**
 * The frame both benchmarks share: a scratch folder, a context, the clean-up that removes
 * every container of the run's instance (also on Ctrl-C), and the machine's description
 * for the report.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { LABELS } from "../../sandbox-service/src/sessions/identity";
import { createContext, type BenchContext } from "./bench-context";
import { Cleanup } from "./cleanup";
import { removeLabelled } from "./docker-cli";

export interface MachineReport {
  cpus: number;
  memoryGiB: number;
  node: string;
  docker: string;
  /** 1-minute load average at the start and the end: how busy the machine was besides us. */
  loadAverage: { start: number; end: number };
}

export interface BenchRun<S> {
  ctx: BenchContext<S>;
  cleanup: Cleanup;
  workDir: string;
  /** Call when the report is written: the machine as it was during the run. */
  machine(): Promise<MachineReport>;
}

export function startBenchRun<S>(settings: S, scratchPrefix: string): BenchRun<S> {
  const loadAtStart = os.loadavg()[0]!;
  const workDir = mkdtempSync(path.join(os.tmpdir(), scratchPrefix));
  const cleanup = new Cleanup();
  const ctx = createContext(settings, workDir, cleanup);
  // Registered first, so it runs last: whatever the run left behind goes.
  cleanup.add(`remove every container labelled dojo.instance=${ctx.instance}`, () => removeLabelled({ [LABELS.instance]: ctx.instance }));
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const round = (load: number) => Math.round(load * 100) / 100;
  return {
    ctx,
    cleanup,
    workDir,
    machine: async () => ({
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      docker: (await promisify(execFile)("docker", ["version", "--format", "{{.Server.Version}}"])).stdout.trim(),
      loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]!) },
    }),
  };
}
