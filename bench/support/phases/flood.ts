/**
 * Output throughput of one terminal flooded by `head -c <bytes> /dev/zero | base64`, on the
 * platform, the floor and wetty, runs interleaved so machine noise hits all three alike.
 * Meanwhile the RSS of the service process (and of wetty's) is sampled every 20 ms.
 */
import { connectWetty } from "../../peers/wetty-client";
import { openFloorTerminal } from "../../peers/floor-client";
import type { BenchContext } from "../bench-context";
import { withService } from "../bench-context";
import { flood, type FloodResult } from "../measure";
import type { BenchTerminal } from "../output-tap";
import { MiB, RssSampler, type ProcessMemory } from "../proc-memory";
import { connectLearners } from "./learners";
import { withPeerContainers, withWetty } from "./references";

export interface ProcessPeak {
  /** RSS before the first flood, MiB. */
  beforeMiB: number;
  /** Highest RSS sampled during the floods, MiB. */
  peakMiB: number;
  /** VmHWM at the end: the process's peak since it started, MiB. */
  hwmMiB: number;
}

export interface FloodFigures {
  command: string;
  platform: FloodResult[];
  floor: FloodResult[];
  wetty: FloodResult[];
  service: ProcessPeak | null;
  wettyProcess: ProcessPeak | null;
}

const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/** Tracks one process over several floods. */
class PeakTracker {
  private readonly before: ProcessMemory | null;
  private peak = 0;

  constructor(
    private readonly pid: number,
    private readonly read: () => ProcessMemory | null,
  ) {
    this.before = read();
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    const sampler = new RssSampler(this.pid).start();
    try {
      return await work();
    } finally {
      this.peak = Math.max(this.peak, sampler.stop());
    }
  }

  result(): ProcessPeak | null {
    const after = this.read();
    if (!this.before || !after) return null;
    return { beforeMiB: mib(this.before.rssBytes), peakMiB: mib(this.peak), hwmMiB: mib(after.hwmBytes) };
  }
}

export async function measureFlood(ctx: BenchContext): Promise<FloodFigures> {
  const { floodBytes, floodRuns } = ctx.settings;
  const figures: FloodFigures = {
    command: `head -c ${floodBytes} /dev/zero | base64`,
    platform: [],
    floor: [],
    wetty: [],
    service: null,
    wettyProcess: null,
  };
  const terminals: BenchTerminal[] = [];
  try {
    await withService(ctx, 0, async (service) => {
      const [learner] = await connectLearners(ctx, service.url, 1);
      terminals.push(learner!.terminal);
      await service.collectGarbage();
      const serviceMemory = new PeakTracker(service.pid, () => service.memory());
      await withPeerContainers(ctx, "flood", ctx.settings.wetty ? 2 : 1, async ([floorId, wettyId]) => {
        const floorTerminal = await openFloorTerminal(ctx.engine, ctx.template, floorId!);
        terminals.push(floorTerminal);
        const runAll = async (wetty?: { terminal: BenchTerminal; tracker: PeakTracker }) => {
          for (let run = 1; run <= floodRuns; run++) {
            ctx.progress(`flood ${run}/${floodRuns}: platform`);
            figures.platform.push(await serviceMemory.during(() => flood(learner!.terminal, floodBytes)));
            ctx.progress(`flood ${run}/${floodRuns}: floor`);
            figures.floor.push(await flood(floorTerminal, floodBytes));
            if (wetty) {
              ctx.progress(`flood ${run}/${floodRuns}: wetty`);
              figures.wetty.push(await wetty.tracker.during(() => flood(wetty.terminal, floodBytes)));
            }
          }
        };
        if (wettyId) {
          await withWetty(ctx, [wettyId], async (wettyServer) => {
            const terminal = await connectWetty(wettyServer.url);
            terminals.push(terminal);
            const tracker = new PeakTracker(wettyServer.pid, () => wettyServer.memory());
            await runAll({ terminal, tracker });
            figures.wettyProcess = tracker.result();
          });
        } else {
          await runAll();
        }
      });
      figures.service = serviceMemory.result();
    });
  } finally {
    for (const terminal of terminals) terminal.close();
  }
  return figures;
}
