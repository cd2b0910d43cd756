/** Removes the sandboxes the end-to-end run created (both platforms' instances), so nothing is left behind. */
import { execFileSync } from "node:child_process";
import { e2e } from "./environment";

export default function globalTeardown(): void {
  for (const instance of [e2e.instance, e2e.restart.instance]) {
    const ids = execFileSync("docker", ["ps", "-aq", "--filter", `label=dojo.instance=${instance}`], { encoding: "utf8" }).split("\n").filter(Boolean);
    if (ids.length > 0) execFileSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore" });
  }
}
