/** Messages between the benchmark and the sandbox service child (service-child.ts) over Node's IPC channel. */

export type ParentMessage =
  /**
   * Fill the warm pool (service.pool.fill()) until `template` (default "shell") holds its
   * target (SANDBOX_POOL_SIZE, or SANDBOX_DOCKER_POOL_SIZE for "docker") and answer how
   * many of that template are ready.
   */
  | { id: number; type: "fill"; template?: "shell" | "docker" }
  /** Run a full garbage collection (the child runs with --expose-gc) before a memory reading. */
  | { id: number; type: "gc" }
  /** process.memoryUsage() after a full garbage collection. */
  | { id: number; type: "memory" }
  /** How many sandboxes of `template` the warm pool holds ready, and its target now (workshop demand included). Changes nothing. */
  | { id: number; type: "pool"; template: "shell" | "docker" }
  /** The service's event-loop delay since the previous such request (or its start), then starts counting anew. */
  | { id: number; type: "loop-delay" };

export type ChildMessage =
  | { type: "ready"; port: number; pooled: number }
  | { type: "failed"; message: string }
  | { id: number; type: "filled"; pooled: number }
  | { id: number; type: "collected" }
  | { id: number; type: "memory"; usage: NodeJS.MemoryUsage }
  | { id: number; type: "pool"; ready: number; target: number }
  | { id: number; type: "loop-delay"; delay: LoopDelay }
  | { id: number; type: "error"; message: string };

/** Event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution), ms: how long ready work waited for the loop. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
