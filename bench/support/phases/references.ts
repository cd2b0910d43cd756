/**
 * The keystroke echo with N terminals open on the two references, each on N containers of
 * its own created from the shell template:
 *   floor  the raw exec streams of DockerEngine.openTty, read in this process
 *   relay  the same streams copied by a bare relay process in between (no protocol)
 *   wetty  wetty 3.2.0, one `docker exec -it <container> bash -l` per connection
 * and the cold floor: what a cold time to prompt costs with Docker alone.
 */
import path from "node:path";
import { connectWetty } from "../../peers/wetty-client";
import { openFloorTerminal } from "../../peers/floor-client";
import { openRelayTerminal } from "../../peers/relay-client";
import { RelayProcess } from "../../peers/relay-process";
import { WettyServer } from "../../peers/wetty-server";
import type { BenchContext } from "../bench-context";
import { echoRoundTripsAll, type EchoFigures } from "../measure";
import type { BenchTerminal } from "../output-tap";
import { createPeerContainer, createPeerContainers, removePeerContainers } from "../peer-containers";
import { mapLimit, sleep } from "../timing";

/** Runs `work` on `count` fresh reference containers, removed afterwards whatever happens. */
export async function withPeerContainers<T>(ctx: BenchContext, peer: string, count: number, work: (ids: string[]) => Promise<T>): Promise<T> {
  const ids: string[] = [];
  const release = ctx.cleanup.add(`remove the ${peer} containers`, () => removePeerContainers(ctx.engine, ids));
  try {
    ids.push(...(await createPeerContainers(ctx.engine, ctx.template, ctx.instance, peer, count)));
    return await work(ids);
  } finally {
    await release();
  }
}

/** Runs `work` with a wetty process serving these containers, stopped afterwards. */
export async function withWetty<T>(ctx: BenchContext, containerIds: readonly string[], work: (wetty: WettyServer) => Promise<T>): Promise<T> {
  const wetty = await WettyServer.start({
    template: ctx.template,
    containerIds,
    workDir: path.join(ctx.workDir, "wetty"),
    logFile: path.join(ctx.workDir, "wetty.log"),
  });
  const release = ctx.cleanup.add("stop wetty", () => wetty.stop());
  try {
    return await work(wetty);
  } finally {
    await release();
  }
}

/** Opens terminals (8 at a time), measures the echo on all at once, closes them. */
async function echoOn(ctx: BenchContext, count: number, open: (index: number) => Promise<BenchTerminal>, serverPid?: number): Promise<EchoFigures> {
  const terminals: BenchTerminal[] = [];
  try {
    await mapLimit(Array.from({ length: count }), 8, async (_, index) => {
      terminals.push(await open(index));
    });
    await sleep(1000);
    return await echoRoundTripsAll(terminals, { samples: ctx.settings.echoSamples, thinkMs: ctx.settings.thinkMs, warmup: ctx.settings.echoWarmup }, serverPid);
  } finally {
    for (const terminal of terminals) terminal.close();
  }
}

/**
 * The floor, then the relay (the floor plus one bare relay process in between,
 * peers/relay-server.ts: the least the platform's extra hop can cost), on the same N
 * containers: each gets new shells, so neither sees the other's.
 */
export async function measureFloorAndRelayEcho(ctx: BenchContext, n: number): Promise<{ floor: EchoFigures; relay: EchoFigures }> {
  return withPeerContainers(ctx, "floor", n, async (ids) => {
    ctx.progress(`N=${n} floor: keystroke echo on raw exec streams`);
    const floor = await echoOn(ctx, n, (i) => openFloorTerminal(ctx.engine, ctx.template, ids[i]!));
    ctx.progress(`N=${n} relay: keystroke echo through a bare TCP relay process`);
    const relay = await RelayProcess.start(
      { DOJO_INSTANCE: ctx.instance, DOJO_SECRET: ctx.secret, DOJO_DATA_DIR: ctx.workDir, SANDBOX_PORT: "0" },
      path.join(ctx.workDir, "relay.log"),
    );
    const release = ctx.cleanup.add("stop the relay", () => relay.stop());
    try {
      return { floor, relay: await echoOn(ctx, n, (i) => openRelayTerminal(relay.port, ids[i]!), relay.pid) };
    } finally {
      await release();
    }
  });
}

export async function measureWettyEcho(ctx: BenchContext, n: number): Promise<EchoFigures> {
  ctx.progress(`N=${n} wetty: keystroke echo`);
  return withPeerContainers(ctx, "wetty", n, (ids) => withWetty(ctx, ids, (wetty) => echoOn(ctx, n, () => connectWetty(wetty.url), wetty.pid)));
}

/**
 * The cold floor: N containers created and started at once straight through the driver
 * (createSandboxContainer with the shell template's spec and limits, as the service calls
 * it), a shell opened in each (DockerEngine.openTty), until its prompt. Rounds of N as for
 * the platform's cold figure, each round's containers removed before the next. What the
 * platform's cold time to prompt is compared with: the rest is what the platform adds.
 */
export async function measureFloorCold(ctx: BenchContext, n: number): Promise<number[]> {
  const rounds = Math.max(1, Math.ceil(ctx.settings.promptSamples / n));
  const samples: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    ctx.progress(`N=${n} floor: time to prompt, cold (create + start + shell straight through Docker), round ${round}/${rounds}`);
    const ids: string[] = [];
    const release = ctx.cleanup.add("remove the cold floor containers", () => removePeerContainers(ctx.engine, ids));
    try {
      const times = await Promise.all(
        Array.from({ length: n }, async () => {
          const started = performance.now();
          const id = await createPeerContainer(ctx.engine, ctx.template, ctx.instance, "cold-floor");
          ids.push(id);
          const terminal = await openFloorTerminal(ctx.engine, ctx.template, id);
          terminal.close();
          return terminal.promptAt - started;
        }),
      );
      samples.push(...times);
    } finally {
      await release();
    }
  }
  return samples;
}
