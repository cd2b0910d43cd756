/** Stopping the benchmark's child processes (the service, wetty, the relay, the join process). */
import type { ChildProcess } from "node:child_process";
import { within } from "./timing";

/**
 * Asks `child` to stop (`ask`: SIGTERM by default, its graceful stop) and waits for it;
 * SIGKILL if it is still there after 10 s. Nothing to do if it has already exited.
 */
export async function stopChild(child: ChildProcess, what: string, ask: (child: ChildProcess) => void = (c) => c.kill("SIGTERM")): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  ask(child);
  await within(10_000, `stopping ${what}`, exited).catch(async () => {
    child.kill("SIGKILL");
    await exited;
  });
}
