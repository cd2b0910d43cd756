/** What a sandbox is made of. Templates turn a name and labels into a ContainerSpec. */
import type { ContainerSpec, TtySpec } from "../engine/engine";

export interface SandboxIdentity {
  name: string;
  hostname: string;
  labels: Record<string, string>;
}

export interface SandboxTemplate {
  readonly name: string;
  /** Container settings (image, limits, capabilities, network) for one sandbox. */
  containerSpec(identity: SandboxIdentity): ContainerSpec;
  /** The interactive shell a terminal runs, minus its size. */
  readonly shell: Omit<TtySpec, "size">;
  /**
   * What must be up before a learner gets the sandbox (e.g. its own Docker engine): a
   * command that exits 0 once it is, and what the learner reads meanwhile.
   */
  readonly readiness?: { cmd: string[]; timeoutMs: number; message: string };
}
