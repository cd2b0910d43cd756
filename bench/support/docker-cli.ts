/** The few things the benchmark asks the docker CLI directly: find and remove its own containers. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Ids of every container (running or not) carrying all these `key=value` labels. */
export async function containersLabelled(labels: Record<string, string>): Promise<string[]> {
  const filters = Object.entries(labels).flatMap(([key, value]) => ["--filter", `label=${key}=${value}`]);
  const { stdout } = await run("docker", ["ps", "-aq", "--no-trunc", ...filters]);
  return stdout.split("\n").filter(Boolean);
}

/** `docker rm -f -v` of every container carrying all these labels; returns how many. */
export async function removeLabelled(labels: Record<string, string>): Promise<number> {
  const ids = await containersLabelled(labels);
  // In batches: one command line for a few hundred ids is fine, thousands would not be.
  for (let i = 0; i < ids.length; i += 100) {
    await run("docker", ["rm", "-f", "-v", ...ids.slice(i, i + 100)]).catch(() => undefined);
  }
  return ids.length;
}
