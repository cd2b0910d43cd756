import type { SandboxEngine } from "../engine/engine";
import { UserFacingError } from "../user-facing-error";
import type { SandboxTemplate } from "./template";

/** Resolves once the template's readiness command succeeds in the container; throws a sentence if it does not. */
export async function waitUntilReady(engine: SandboxEngine, containerId: string, template: SandboxTemplate): Promise<void> {
  if (!template.readiness) return;
  const result = await engine.run(containerId, { cmd: template.readiness.cmd, timeoutMs: template.readiness.timeoutMs });
  if (result.exitCode !== 0) {
    throw new UserFacingError(
      "sandbox_failed",
      `Your sandbox started, but ${template.name === "docker" ? "its Docker engine" : "it"} did not become ready in time. Please try again.`,
    );
  }
}
