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

export interface PlatformFigures {
  promptColdMs: number[];
  promptWarmMs: number[];
  echo: EchoFigures;
}

export async function measurePlatform(ctx: BenchContext, n: number): Promise<PlatformFigures> {
  const { settings } = ctx;
  // Small N repeats rounds so even N = 1 has a distribution.
  const rounds = Math.max(1, Math.ceil(settings.promptSamples / n));

  const cold = await withService(ctx, 0, async (service) => {
    const promptMs: number[] = [];
    let learners: DojoLearner[] = [];
    for (let round = 1; round <= rounds; round++) {
      await dismissLearners(ctx, learners);
      ctx.progress(`N=${n} platform: time to prompt, cold, round ${round}/${rounds}`);
      learners = await connectLearners(ctx, service.url, n);
      promptMs.push(...learners.map((l) => l.timeToPromptMs));
    }
    try {
      // The last round's N terminals stay open for the echo.
      await sleep(1000);
      ctx.progress(`N=${n} platform: keystroke echo, ${settings.echoSamples} per learner`);
      const echo = await echoRoundTripsAll(
        learners.map((l) => l.terminal),
        { samples: settings.echoSamples, thinkMs: settings.thinkMs },
        service.pid,
      );
      return { promptMs, echo };
    } finally {
      for (const learner of learners) learner.terminal.close();
    }
  });

  const warm = await withService(ctx, n, async (service) => {
    const promptMs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const pooled = await service.fillPool(60_000 + n * 5_000);
      if (pooled < n) throw new Error(`the warm pool holds ${pooled} sandboxes, not ${n}; see ${service.logFile}`);
      ctx.progress(`N=${n} platform: time to prompt, warm (pool of ${pooled}), round ${round}/${rounds}`);
      const learners = await connectLearners(ctx, service.url, n);
      promptMs.push(...learners.map((l) => l.timeToPromptMs));
      await dismissLearners(ctx, learners);
    }
    return promptMs;
  });

  return { promptColdMs: cold.promptMs, promptWarmMs: warm, echo: cold.echo };
}
