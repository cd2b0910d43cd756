/** The sandbox service as a real process (main.ts), for tests of what happens to the process itself: kill -9, SIGTERM. */
import { spawn, type ChildProcess } from "node:child_process";

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  log(): string;
  /** Resolves with its exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Starts main.ts with `env` added and resolves once it says it is listening. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  // node itself (not npx), so a signal hits the service and not a wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox-service/src/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    const listening = () => {
      if (!log.includes("sandbox service listening")) return;
      child.stdout!.off("data", listening);
      resolve();
    };
    child.stdout!.on("data", listening);
    void exited.then((code) => reject(new Error(`service exited (${code}):\n${log}`)));
  });
  return { child, log: () => log, exited };
}
