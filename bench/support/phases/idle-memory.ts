/**
 * Memory per idle sandbox: M learners each with a shell open, nobody typing. Read before
 * (with one learner connected, so lazy code paths are loaded) and after adding M more:
 *
 *   container   the cgroup's memory per new sandbox (bash, sleep, docker-init, their page
 *               cache), as `docker stats` counts it (usage minus inactive file cache)
 *   shim        the containerd shim each container has outside its cgroup (PSS: the shims
 *               share their binary's pages; RSS would count them once per shim)
 *   service     the service process's RSS growth / M, and its JS heap + buffers growth / M
 *               (after a full GC, once memory has settled; RSS alone is noisy at this scale)
 *   engine      dockerd + containerd RSS growth / M (exec sessions, container state)
 *   system      MemAvailable drop / M: all of the above and the kernel's share, but also
 *               whatever else the machine did meanwhile (a cross-check, not the estimate)
 */
import { hostDockerDaemonsRssBytes, memAvailableBytes, memTotalBytes, MiB, shimMemory } from "../proc-memory";
import { containerMemory, type ContainerMemory } from "../cgroup-memory";
import type { DojoLearner } from "../../peers/dojo-client";
import type { BenchContext } from "../bench-context";
import { withService } from "../bench-context";
import type { ServiceProcess } from "../service-process";
import { sleep } from "../timing";
import { connectLearners } from "./learners";
import type { TemplateName } from "../../../shared/templates";

export interface IdleMemoryFigures {
  sandboxes: number;
  /** MiB per idle sandbox. Growths are as measured: a negative one means noise exceeded the signal. */
  perSandboxMiB: {
    containerWorkingSet: number | null;
    containerAnon: number | null;
    containerUsage: number | null;
    shimPss: number;
    shimRss: number;
    serviceRssGrowth: number;
    serviceHeapGrowth: number;
    engineRssGrowth: number;
    /** container working set + shim PSS + the larger service growth + engine growth (negative growths as 0). */
    total: number;
    systemMemAvailableDrop: number;
  };
  machine: { memTotalMiB: number; memAvailableBeforeMiB: number };
  /** How many more idle sandboxes fit in the memory available before this phase. */
  fitEstimate: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
/** The service's share is a few dozen KiB per sandbox: two decimals. */
const round2 = (x: number) => Math.round(x * 100) / 100;
/** Learners connecting at once while building up the idle crowd. */
const BATCH = 10;

/**
 * A reading once the service's memory has settled. V8 keeps the heap it grew (during
 * start-up, or while 20 learners arrive) committed for some seconds after a GC, then gives
 * it back; an RSS read before that is tens of MiB too high. So read every 3 s until the
 * committed heap is close to the live one and two readings agree (within 0.5 MiB).
 */
async function snapshot(service: ServiceProcess, engineRss: () => number) {
  const read = async () => {
    const heap = await service.heapUsage(); // after a full GC, so the RSS reading below is too
    return { serviceRss: service.memory()?.rssBytes ?? 0, serviceHeap: heap.heapUsed + heap.external, heap };
  };
  let previous = await read();
  for (let attempt = 0; attempt < 20; attempt++) {
    await sleep(3000);
    const current = await read();
    const shrunk = current.heap.heapTotal - current.heap.heapUsed < Math.max(8 * MiB, current.heap.heapUsed / 2);
    const steady = Math.abs(current.serviceRss - previous.serviceRss) < MiB / 2;
    previous = current;
    if (shrunk && steady) break;
  }
  return { serviceRss: previous.serviceRss, serviceHeap: previous.serviceHeap, engine: engineRss(), available: memAvailableBytes() };
}

/** Mean over the containers of one figure, in MiB; null when a cgroup could not be read. */
function meanMiB(containers: Array<ContainerMemory | null>, pick: (c: ContainerMemory) => number): number | null {
  if (containers.length === 0 || containers.some((c) => c === null)) return null;
  return round1(containers.reduce((sum, c) => sum + pick(c!), 0) / containers.length / MiB);
}

export async function measureIdleMemory(ctx: BenchContext): Promise<IdleMemoryFigures> {
  return measureIdleSandboxMemory(ctx, { sandboxes: ctx.settings.idleSandboxes, label: "idle memory" });
}

export interface IdleSandboxOptions {
  /** M: idle sandboxes added after the baseline. */
  sandboxes: number;
  /** Prefix of the progress lines. */
  label: string;
  /** The learners' sandbox template; default shell. */
  template?: TemplateName;
  /** Learners connecting at once; default 10. */
  batch?: number;
  /** SANDBOX_DOCKER_POOL_SIZE of the service; unset: the service's default. */
  dockerPoolSize?: number;
  /** What "dockerd + containerd" means; default the host's own (not engines inside docker sandboxes). */
  engineRss?: () => number;
  /** Pause after the M sandboxes are up, before reading (what they run may still be starting); default none. */
  settleMs?: number;
  /** Called with the M new sandboxes' container ids right after the readings, while they still run. */
  inspect?: (containerIds: readonly string[]) => void;
}

/** Memory per idle sandbox of any template, as measureIdleMemory (the shell figure) reads it. */
export async function measureIdleSandboxMemory(ctx: BenchContext, options: IdleSandboxOptions): Promise<IdleMemoryFigures> {
  const m = options.sandboxes;
  const { label, template } = options;
  const batchSize = options.batch ?? BATCH;
  const engineRss = options.engineRss ?? hostDockerDaemonsRssBytes;
  const serviceOptions = options.dockerPoolSize === undefined ? {} : { dockerPoolSize: options.dockerPoolSize };
  return withService(ctx, 0, async (service) => {
    const learners: DojoLearner[] = [];
    try {
      ctx.progress(`${label}: baseline with one learner`);
      learners.push(...(await connectLearners(ctx, service.url, 1, template)));
      if (options.settleMs) await sleep(options.settleMs);
      const before = await snapshot(service, engineRss);

      const fresh: DojoLearner[] = [];
      while (fresh.length < m) {
        const batch = await connectLearners(ctx, service.url, Math.min(batchSize, m - fresh.length), template);
        fresh.push(...batch);
        learners.push(...batch);
        ctx.progress(`${label}: ${fresh.length}/${m} idle sandboxes`);
      }
      if (options.settleMs) await sleep(options.settleMs);
      const after = await snapshot(service, engineRss);

      const ids = fresh.map((l) => l.sandboxId);
      const containers = ids.map(containerMemory);
      const shims = shimMemory(ids);
      options.inspect?.(ids);
      const perSandbox = (bytes: number) => round1(bytes / m / MiB);
      const figures = {
        containerWorkingSet: meanMiB(containers, (c) => c.workingSetBytes),
        containerAnon: meanMiB(containers, (c) => c.anonBytes),
        containerUsage: meanMiB(containers, (c) => c.usageBytes),
        shimPss: perSandbox(shims.pssBytes),
        shimRss: perSandbox(shims.rssBytes),
        serviceRssGrowth: round2((after.serviceRss - before.serviceRss) / m / MiB),
        serviceHeapGrowth: round2((after.serviceHeap - before.serviceHeap) / m / MiB),
        engineRssGrowth: perSandbox(after.engine - before.engine),
        systemMemAvailableDrop: perSandbox(before.available - after.available),
      };
      const total = round1(
        (figures.containerWorkingSet ?? 0) +
          figures.shimPss +
          Math.max(0, figures.serviceRssGrowth, figures.serviceHeapGrowth) +
          Math.max(0, figures.engineRssGrowth),
      );
      return {
        sandboxes: m,
        perSandboxMiB: { ...figures, total },
        machine: { memTotalMiB: Math.round(memTotalBytes() / MiB), memAvailableBeforeMiB: Math.round(before.available / MiB) },
        fitEstimate: total > 0 ? Math.floor(before.available / MiB / total) : 0,
      };
    } finally {
      for (const learner of learners) learner.terminal.close();
    }
  }, serviceOptions);
}
