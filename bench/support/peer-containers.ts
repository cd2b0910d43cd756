/**
 * Containers for the references (floor and wetty), created straight through the project's
 * driver from the shell template's container spec: same image, limits, capabilities,
 * network (none) and disk quota as a platform sandbox.
 *
 * They carry `dojo.instance=<run>` so the final cleanup finds them, but not `dojo.managed`,
 * so a sandbox service of the same instance never sees (or reaps) them.
 */
import { randomBytes } from "node:crypto";
import type { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import { LABELS } from "../../sandbox-service/src/sessions/identity";
import { createSandboxContainer } from "../../sandbox-service/src/templates/create";
import type { SandboxTemplate } from "../../sandbox-service/src/templates/template";
import { mapLimit } from "./timing";

export const BENCH_PEER_LABEL = "dojo.bench-peer";

export async function createPeerContainers(engine: DockerEngine, template: SandboxTemplate, instance: string, peer: string, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 4, () => createPeerContainer(engine, template, instance, peer));
}

/** Creates and starts one reference container (the call a platform sandbox is created with); its id. */
export async function createPeerContainer(engine: DockerEngine, template: SandboxTemplate, instance: string, peer: string): Promise<string> {
  const short = randomBytes(4).toString("hex");
  const name = `dojo-bench-${peer}-${short}`;
  const container = await createSandboxContainer(engine, template, {
    name,
    // The same form as a sandbox's hostname, so prompts are as long as on the platform.
    hostname: `shell-${short}`,
    labels: { [LABELS.instance]: instance, [LABELS.template]: template.name, [BENCH_PEER_LABEL]: peer, [LABELS.created]: new Date().toISOString() },
  });
  return container.id;
}

export async function removePeerContainers(engine: DockerEngine, ids: readonly string[]): Promise<void> {
  await mapLimit(ids, 8, (id) => engine.remove(id));
}
