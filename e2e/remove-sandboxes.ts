/**
 * Removes every sandbox the end-to-end run created (every platform's instance), the
 * volumes of their engines and their playgrounds' networks. Run by `npm run test:e2e` (scripts/test-e2e.sh) after Playwright has stopped the
 * platform: a Playwright globalTeardown would run while the platform is still up, and its
 * pool would start new sandboxes right after.
 */
import { execFileSync } from "node:child_process";
import { e2e } from "./environment";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).split("\n").filter(Boolean);

for (const instance of [e2e.instance, e2e.restart.instance, e2e.crash.instance]) {
  const containers = docker("ps", "-aq", "--filter", `label=dojo.instance=${instance}`);
  if (containers.length > 0) docker("rm", "-f", "-v", ...containers);
  const volumes = docker("volume", "ls", "-q", "--filter", `label=dojo.instance=${instance}`);
  if (volumes.length > 0) docker("volume", "rm", "-f", ...volumes);
  const networks = docker("network", "ls", "-q", "--filter", `label=dojo.instance=${instance}`);
  if (networks.length > 0) docker("network", "rm", ...networks);
  console.log(`[e2e] removed ${containers.length} sandbox(es), ${volumes.length} volume(s) and ${networks.length} network(s) of instance ${instance}`);
}
