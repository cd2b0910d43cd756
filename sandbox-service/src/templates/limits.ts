/** The resource limits every template applies; templates differ in memory and process caps. */
import type { ServiceConfig } from "../../../shared/config";

export function resourceLimits(config: ServiceConfig, memoryMb: number, pidsLimit: number): Record<string, unknown> {
  const memoryBytes = memoryMb * 1024 * 1024;
  return {
    NetworkMode: "none",
    Memory: memoryBytes,
    // Equal to Memory: no swap, so a memory hog meets the OOM killer instead of thrashing.
    MemorySwap: memoryBytes,
    NanoCpus: Math.round(config.SANDBOX_CPUS * 1e9),
    PidsLimit: pidsLimit,
    // tini as PID 1 reaps the zombies that learners' background jobs leave behind.
    Init: true,
    LogConfig: { Type: "none", ServiceConfig: {} },
  };
}
