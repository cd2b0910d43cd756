/** The one way a sandbox container comes to be: from a template, on an engine that can isolate it. */
import type { ContainerInfo, SandboxEngine } from "../engine/engine";
import { UserFacingError } from "../user-facing-error";
import type { SandboxIdentity, SandboxTemplate } from "./template";

/**
 * Creates and starts a container for `template`, shaped for this engine (its storage
 * driver, its user namespaces). Refuses, in a sentence for the learner, a template the
 * engine cannot isolate.
 */
export async function createSandboxContainer(engine: SandboxEngine, template: SandboxTemplate, identity: SandboxIdentity): Promise<ContainerInfo> {
  const facts = await engine.facts();
  const problem = template.unavailableOn(facts);
  if (problem) throw new UserFacingError("sandbox_failed", problem);
  if (identity.network && !template.networkable) {
    throw new UserFacingError("sandbox_failed", `A "${template.name}" sandbox cannot join a network; playground machines are "docker" sandboxes.`);
  }
  return engine.createAndStart(template.containerSpec(identity, facts));
}
