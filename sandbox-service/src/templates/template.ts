/** What a sandbox is made of. Templates turn a name and labels into a ContainerSpec. */
import type { ContainerSpec, EngineFacts, TtySpec } from "../engine/engine";

export interface SandboxIdentity {
  name: string;
  hostname: string;
  labels: Record<string, string>;
  /**
   * A private network to join instead of none (a playground machine: templates that allow
   * it say so in `networkable`), and the name the others on it use for this one.
   */
  network?: { name: string; alias: string };
}

export interface SandboxTemplate {
  readonly name: string;
  /** What a sandbox of this template may use, as the learner is told when they reach it. */
  readonly limits: { memoryMb: number; diskMb: number };
  /** Container settings (image, limits, capabilities, network) for one sandbox on this engine. */
  containerSpec(identity: SandboxIdentity, engine: EngineFacts): ContainerSpec;
  /**
   * Why this template must not run on this engine (a sentence for the learner), or null.
   * E.g. `docker` needs user namespaces, without which its root would be the host's.
   */
  unavailableOn(engine: EngineFacts): string | null;
  /** Whether a sandbox of this template may join a private network (identity.network); others ignore it. */
  readonly networkable?: boolean;
  /** The interactive shell a terminal runs, minus its size. */
  readonly shell: Omit<TtySpec, "size">;
  /**
   * What must be up before a learner gets the sandbox (e.g. its own Docker engine): a
   * command that exits 0 once it is, and what the learner reads meanwhile.
   */
  readonly readiness?: { cmd: string[]; timeoutMs: number; message: string };
}
