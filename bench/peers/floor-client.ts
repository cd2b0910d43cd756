/**
 * The floor: the raw Docker exec stream, no browser protocol. A shell is started with the
 * project's own driver (DockerEngine.openTty, the call the service makes) and the
 * benchmark reads and writes the hijacked stream directly, in its own process.
 */
import type { DockerEngine } from "../../sandbox-service/src/engine/docker-engine";
import type { SandboxTemplate } from "../../sandbox-service/src/templates/template";
import { OutputTap, type BenchTerminal } from "../support/output-tap";
import { PROMPT } from "./dojo-client";

/** Opens the template's shell in a running container and waits for its prompt; `promptAt`: when it arrived (performance.now()). */
export async function openFloorTerminal(engine: DockerEngine, template: SandboxTemplate, containerId: string, timeoutMs = 60_000): Promise<BenchTerminal & { promptAt: number }> {
  const tap = new OutputTap("floor");
  const prompt = tap.expect(PROMPT, timeoutMs);
  prompt.catch(() => undefined);
  const tty = await engine.openTty(containerId, { ...template.shell, size: { cols: 80, rows: 24 } });
  tty.stream.on("data", (chunk: Buffer) => tap.push(chunk));
  tty.stream.once("close", () => tap.end("exec stream closed"));
  tty.stream.on("error", (error) => tap.end(`exec stream failed: ${error.message}`));
  const promptAt = await prompt;
  return {
    promptAt,
    output: tap,
    send: (data) => tty.stream.write(data),
    close: () => tty.stream.destroy(),
  };
}
