/**
 * `docker` sandboxes: a sandbox that runs a Docker engine of its own (the `docker`
 * template, image SANDBOX_DOCKER_IMAGE). Measured as a learner of a Docker lesson sees it.
 *
 *   time to docker  one learner at a time: a socket.io client whose token names template
 *                   "docker" connects → sandbox:open → terminal:open → first prompt, then
 *                   types `docker info --format '{{.ServerVersion}}'` at once and waits for
 *                   the version number on a line of its own. The service hands a docker
 *                   sandbox out only once `docker info` answers inside it (the template's
 *                   readiness), so the prompt time is already "Docker is ready"; the version
 *                   line confirms it. Both are timed from the socket's creation.
 *                   Cold: SANDBOX_DOCKER_POOL_SIZE=0, every sandbox:open creates a sandbox
 *                   and waits for its engine. Warm: a pool of BENCH_DOCKER_POOL (default 1,
 *                   the platform's default), filled before each sample (service.pool.fill()
 *                   through the child's IPC); the claim starts the refill, which runs while
 *                   the learner types, as it would in production.
 *   idle memory     M learners each with a docker sandbox and a shell open, nobody typing,
 *                   read as idle-memory.ts reads shell sandboxes; the host's dockerd and
 *                   containerd only (the engines inside the sandboxes are in their cgroups),
 *                   plus what the engine inside each sandbox holds (PSS of its dockerd and
 *                   containerd, part of the cgroup figure).
 *
 * Every service here runs with SANDBOX_POOL_SIZE=0 (no shell sandboxes) and an explicit
 * SANDBOX_DOCKER_POOL_SIZE, so only the sandboxes measured exist.
 */
import { connectDojoLearner } from "../../peers/dojo-client";
import { instanceSelector } from "../../../sandbox-service/src/sessions/identity";
import type { BenchContext } from "../bench-context";
import { attempts } from "../attempt";
import { withService } from "../bench-context";
import { containerPids } from "../cgroup-memory";
import { hostDockerDaemonsRssBytes, MiB, namedProcessesMemory } from "../proc-memory";
import type { ServiceProcess } from "../service-process";
import { measureIdleSandboxMemory, type IdleMemoryFigures } from "./idle-memory";
import { dismissLearners } from "./learners";

/** What the learner types once the prompt is there. */
export const DOCKER_INFO_COMMAND = "docker info --format '{{.ServerVersion}}'";
/**
 * The answer: a version number on a line of its own (e.g. 20.10.24+dfsg1), or the client's
 * complaint when the engine is not there. The typed command's echo matches neither.
 */
// eslint-disable-next-line no-control-regex -- \x1b: the version ends where a terminal escape begins
const ANSWER = /(?:^|[\r\n])(\d+\.\d+\.\d+[^\s\x1b]*)\r?\n|(Cannot connect to the Docker daemon[^\r\n]*|Error[^\r\n]*|command not found[^\r\n]*)/;
const ANSWER_TIMEOUT_MS = 60_000;
/** A docker sandbox's engine keeps starting things for a few seconds after it answers. */
const IDLE_SETTLE_MS = 15_000;

export interface DockerSample {
  /** Socket created → first output containing the prompt "# ". */
  promptMs: number;
  /** Socket created → the version line of `docker info` (typed as soon as the prompt showed). */
  dockerInfoMs: number;
  /** Enter → the version line: the `docker info` command alone. */
  commandMs: number;
  /** The engine's version, as `docker info` printed it. */
  version: string;
}

export interface DockerIdleMemory extends IdleMemoryFigures {
  /**
   * The engine inside each sandbox (its dockerd + containerd), MiB per sandbox: anonymous
   * memory (part of the cgroup's), and PSS / RSS, which also count the pages of their
   * binaries they have mapped (page cache, mostly outside the working-set figure).
   */
  nestedEngine: { anonMiB: number; pssMiB: number; rssMiB: number; processesPerSandbox: number } | null;
  /** The total per sandbox counting the cgroup's whole usage (page cache included) instead of its working set. */
  totalWithPageCacheMiB: number;
  /** How many more would fit in the memory available at that total: the cautious estimate. */
  fitWithPageCache: number;
  /** SANDBOX_DOCKER_MEMORY_MB: the most one sandbox may use. */
  memoryLimitMiB: number;
  /** How many would fit in the memory available if each used its whole limit. */
  fitAtLimit: number;
}

export interface DockerSandboxFigures {
  template: "docker";
  image: string;
  command: string;
  cold: DockerSample[];
  warm: DockerSample[];
  /** SANDBOX_DOCKER_POOL_SIZE of the warm service. */
  warmPoolSize: number;
  idleMemory: DockerIdleMemory | null;
  /** A part that failed (the other parts' figures are kept), with why. */
  errors: string[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** One learner of a Docker lesson: connect, prompt, `docker info`. Its sandbox is removed afterwards. */
async function sampleOnce(ctx: BenchContext, service: ServiceProcess): Promise<DockerSample> {
  const learner = await connectDojoLearner({ url: service.url, secret: ctx.secret, template: "docker" });
  try {
    const answered = learner.terminal.output.expectMatch(ANSWER, ANSWER_TIMEOUT_MS);
    const typedAt = performance.now();
    learner.terminal.send(`${DOCKER_INFO_COMMAND}\r`);
    const { at, match } = await answered;
    if (!match[1]) throw new Error(`\`${DOCKER_INFO_COMMAND}\` did not answer in a fresh docker sandbox: ${JSON.stringify(match[2])}`);
    return {
      promptMs: round1(learner.timeToPromptMs),
      dockerInfoMs: round1(at - learner.startedAt),
      commandMs: round1(at - typedAt),
      version: match[1],
    };
  } finally {
    await dismissLearners(ctx, [learner]);
  }
}

const describe = (s: DockerSample) => `prompt ${Math.round(s.promptMs)} ms, docker info ${Math.round(s.dockerInfoMs)} ms (${s.version})`;

async function measureCold(ctx: BenchContext): Promise<DockerSample[]> {
  const count = ctx.settings.dockerSamples;
  return withService(
    ctx,
    0,
    async (service) => {
      const samples: DockerSample[] = [];
      for (let i = 1; i <= count; i++) {
        const sample = await sampleOnce(ctx, service);
        samples.push(sample);
        ctx.progress(`docker sandboxes, cold ${i}/${count}: ${describe(sample)}`);
      }
      return samples;
    },
    { dockerPoolSize: 0 },
  );
}

async function measureWarm(ctx: BenchContext): Promise<DockerSample[]> {
  const { dockerSamples: count, dockerPoolSize: poolSize } = ctx.settings;
  return withService(
    ctx,
    0,
    async (service) => {
      const samples: DockerSample[] = [];
      for (let i = 1; i <= count; i++) {
        // With a pool of 1 this waits for the refill the previous claim started.
        const pooled = await service.fillPool(60_000 + poolSize * 60_000, "docker");
        if (pooled < 1) throw new Error(`the warm pool holds no ready docker sandbox; see ${service.logFile}`);
        const sample = await sampleOnce(ctx, service);
        samples.push(sample);
        ctx.progress(`docker sandboxes, warm (pool of ${pooled}) ${i}/${count}: ${describe(sample)}`);
      }
      return samples;
    },
    { dockerPoolSize: poolSize },
  );
}

async function measureIdle(ctx: BenchContext): Promise<DockerIdleMemory> {
  let nestedEngine: DockerIdleMemory["nestedEngine"] = null;
  const figures = await measureIdleSandboxMemory(ctx, {
    sandboxes: ctx.settings.dockerIdleSandboxes,
    label: "docker idle memory",
    template: "docker",
    // One at a time: engines starting at once on 2 cores would race the 30 s readiness limit.
    batch: 1,
    dockerPoolSize: 0,
    engineRss: hostDockerDaemonsRssBytes,
    settleMs: IDLE_SETTLE_MS,
    inspect: (ids) => {
      const pids = ids.flatMap(containerPids);
      if (pids.length === 0) return;
      const inside = namedProcessesMemory(pids, ["dockerd", "containerd"]);
      nestedEngine = {
        anonMiB: round1(inside.anonBytes / ids.length / MiB),
        pssMiB: round1(inside.pssBytes / ids.length / MiB),
        rssMiB: round1(inside.rssBytes / ids.length / MiB),
        processesPerSandbox: round1(inside.count / ids.length),
      };
    },
  });
  const memoryLimitMiB = ctx.config.SANDBOX_DOCKER_MEMORY_MB;
  const p = figures.perSandboxMiB;
  const available = figures.machine.memAvailableBeforeMiB;
  const totalWithPageCacheMiB = round1(
    (p.containerUsage ?? 0) + p.shimPss + Math.max(0, p.serviceRssGrowth, p.serviceHeapGrowth) + Math.max(0, p.engineRssGrowth),
  );
  return {
    ...figures,
    nestedEngine,
    totalWithPageCacheMiB,
    fitWithPageCache: totalWithPageCacheMiB > 0 ? Math.floor(available / totalWithPageCacheMiB) : 0,
    memoryLimitMiB,
    fitAtLimit: Math.floor(available / memoryLimitMiB),
  };
}

/**
 * All figures of `docker` sandboxes. A part that fails is recorded in `errors` and the
 * others still run; the phase throws only if every part failed.
 */
export async function measureDockerSandboxes(ctx: BenchContext): Promise<DockerSandboxFigures> {
  // The engines inside keep their images in labelled volumes; `docker rm -v` removes them
  // with the sandbox, this catches any left over (e.g. after a kill mid-removal).
  const releaseVolumes = ctx.cleanup.add("remove the docker sandboxes' volumes", () => ctx.engine.removeUnusedVolumes(instanceSelector(ctx.instance)));
  const { errors, attempt: part } = attempts(ctx.progress, "docker sandboxes, ");
  try {
    ctx.progress(`docker sandboxes: ${ctx.settings.dockerSamples} cold samples, one learner at a time`);
    const cold = await part("cold", () => measureCold(ctx));
    ctx.progress(`docker sandboxes: ${ctx.settings.dockerSamples} warm samples (pool of ${ctx.settings.dockerPoolSize}, refilled before each)`);
    const warm = await part("warm", () => measureWarm(ctx));
    const idleMemory = await part("idle memory", () => measureIdle(ctx));
    if (!cold && !warm && !idleMemory) throw new Error(errors.join("; "));
    return {
      template: "docker",
      image: ctx.config.SANDBOX_DOCKER_IMAGE,
      command: DOCKER_INFO_COMMAND,
      cold: cold ?? [],
      warm: warm ?? [],
      warmPoolSize: ctx.settings.dockerPoolSize,
      idleMemory,
      errors,
    };
  } finally {
    await releaseVolumes();
  }
}
