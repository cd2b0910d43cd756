/**
 * The platform with N learners: time to prompt cold (no pool: every sandbox is created on
 * sandbox:open) and warm (a pool of N filled beforehand), and the keystroke echo with all N
 * terminals open. Each uses a fresh service process.
 */
import type { DojoLearner } from "../../peers/dojo-client";
import type { BenchContext } from "../bench-context";
import { withService } from "../bench-context";
import { echoRoundTripsAll, type EchoFigures } from "../measure";
import { sleep } from "../timing";
import { connectLearners, dismissLearners } from "./learners";

/** Where one learner's time to prompt went, ms from socket creation (cumulative). */
export type PromptParts = DojoLearner["marks"] & { promptMs: number };

export interface PlatformFigures {
  promptColdMs: number[];
  promptWarmMs: number[];
  promptColdParts: PromptParts[];
  promptWarmParts: PromptParts[];
  echo: EchoFigures;
}

export async function measurePlatform(ctx: BenchContext, n: number): Promise<PlatformFigures> {
  const { settings } = ctx;
  // Small N repeats rounds so even N = 1 has a distribution.
  const rounds = Math.max(1, Math.ceil(settings.promptSamples / n));

  const parts = (l: DojoLearner): PromptParts => ({ ...l.marks, promptMs: l.timeToPromptMs });
  const cold = await withService(ctx, 0, async (service) => {
    const promptMs: number[] = [];
    const promptParts: PromptParts[] = [];
    let learners: DojoLearner[] = [];
    for (let round = 1; round <= rounds; round++) {
      await dismissLearners(ctx, learners);
      ctx.progress(`N=${n} platform: time to prompt, cold, round ${round}/${rounds}`);
      learners = await connectLearners(ctx, service.url, n);
      promptMs.push(...learners.map((l) => l.timeToPromptMs));
      promptParts.push(...learners.map(parts));
    }
    try {
      // The last round's N terminals stay open for the echo.
      await sleep(1000);
      ctx.progress(`N=${n} platform: keystroke echo, ${settings.echoSamples} per learner`);
      const echo = await echoRoundTripsAll(
        learners.map((l) => l.terminal),
        { samples: settings.echoSamples, thinkMs: settings.thinkMs, warmup: settings.echoWarmup },
        service.pid,
      );
      return { promptMs, promptParts, echo };
    } finally {
      for (const learner of learners) learner.terminal.close();
    }
  });

  const warm = await withService(ctx, n, async (service) => {
    const promptMs: number[] = [];
    const promptParts: PromptParts[] = [];
    for (let round = 1; round <= rounds; round++) {
      const pooled = await service.fillPool(60_000 + n * 5_000);
      if (pooled < n) throw new Error(`the warm pool holds ${pooled} sandboxes, not ${n}; see ${service.logFile}`);
      ctx.progress(`N=${n} platform: time to prompt, warm (pool of ${pooled}), round ${round}/${rounds}`);
      const learners = await connectLearners(ctx, service.url, n);
      promptMs.push(...learners.map((l) => l.timeToPromptMs));
      promptParts.push(...learners.map(parts));
      await dismissLearners(ctx, learners);
    }
    return { promptMs, promptParts };
  });

  return { promptColdMs: cold.promptMs, promptWarmMs: warm.promptMs, promptColdParts: cold.promptParts, promptWarmParts: warm.promptParts, echo: cold.echo };
}
