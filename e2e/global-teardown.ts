/** Removes the sandboxes the end-to-end run created (instance "e2e"), so nothing is left behind. */
import { execFileSync } from "node:child_process";

export default function globalTeardown(): void {
  const ids = execFileSync("docker", ["ps", "-aq", "--filter", "label=dojo.instance=e2e"], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (ids.length > 0) execFileSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore" });
}
