/** Groups of simulated platform learners. */
import { connectDojoLearner, type DojoLearner } from "../../peers/dojo-client";
import type { TemplateName } from "../../../shared/templates";
import type { BenchContext } from "../bench-context";
import { mapLimit } from "../timing";

/** Connects `count` new learners at once (to sandboxes of `template`, default shell); if any fails, closes the others and throws. */
export async function connectLearners(ctx: BenchContext, url: string, count: number, template?: TemplateName): Promise<DojoLearner[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => connectDojoLearner({ url, secret: ctx.secret, template })));
  const connected = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) {
    for (const learner of connected) learner.terminal.close();
    throw failure.reason;
  }
  return connected;
}

/** The learners leave and their sandboxes are removed, so the next round starts on the same footing. */
export async function dismissLearners(ctx: BenchContext, learners: readonly DojoLearner[]): Promise<void> {
  for (const learner of learners) learner.terminal.close();
  await mapLimit(learners, 8, (learner) => ctx.engine.remove(learner.sandboxId));
}
