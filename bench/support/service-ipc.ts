/** Messages between the benchmark and the sandbox service child (service-child.ts) over Node's IPC channel. */

export type ParentMessage =
  /** Fill the warm pool to SANDBOX_POOL_SIZE (service.pool.fill()) and answer how many are ready. */
  | { id: number; type: "fill" }
  /** Run a full garbage collection (the child runs with --expose-gc) before a memory reading. */
  | { id: number; type: "gc" }
  /** process.memoryUsage() after a full garbage collection. */
  | { id: number; type: "memory" };

export type ChildMessage =
  | { type: "ready"; port: number; pooled: number }
  | { type: "failed"; message: string }
  | { id: number; type: "filled"; pooled: number }
  | { id: number; type: "collected" }
  | { id: number; type: "memory"; usage: NodeJS.MemoryUsage }
  | { id: number; type: "error"; message: string };
