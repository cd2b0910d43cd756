/**
 * What a person feels, in real Chromium against the real platform (`npm start`: the
 * production build of the site, the sandbox service, the Docker engine), on ports and a
 * DOJO_INSTANCE of its own:
 *
 * - **Lesson loads**: on the catalog, a click on a lesson's link until a prompt on the
 *   lesson page's terminal echoes a typed character; for a `shell` and a `docker` lesson,
 *   warm (a platform whose pool holds a ready sandbox of the template before each click)
 *   and cold (a platform started with both pool sizes 0, so every sandbox is created and
 *   started on the click). Every load is a new learner: a new browser context, so a new
 *   visitor cookie and a new sandbox, never a reconnect.
 * - **Playground**: on /play, a click on "+ Add machine" until a prompt on the new
 *   machine, for node2 … node5; then the memory of the idle five-machine session.
 *
 * The split of each load comes from the page itself: SandboxConnection marks its steps
 * with `performance.mark` (`dojo:<machine>:<step>`, components/terminal/sandbox-connection.ts),
 * and this script adds `bench:*` marks for the click, the prompt and the echo appearing on
 * screen (a MutationObserver on the terminal's rows), read back with `page.evaluate`.
 *
 * Writes bench/results/browser.json and browser.md. Settings: BENCH_QUICK=1 (3 loads per
 * cell instead of 20, one playground session), BENCH_BROWSER_LOADS (loads per cell),
 * BENCH_BROWSER_ONLY=lessons|play, BENCH_BROWSER_PROFILE=<folder> (a V8 CPU profile of the
 * page's main thread per lesson load, click → echo, written there: open it in DevTools;
 * profiling slows the page, so do not report that run's figures).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { freePort } from "../shared/testing/free-port";
import { containerMemory } from "./support/cgroup-memory";
import { containersLabelled, removeLabelled } from "./support/docker-cli";
import { summarize, type Summary } from "./support/stats";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(REPO_ROOT, "bench", "results");
const QUICK = process.env.BENCH_QUICK === "1";
const LOADS = Number(process.env.BENCH_BROWSER_LOADS ?? (QUICK ? 3 : 20));
const ONLY = process.env.BENCH_BROWSER_ONLY;
const PROFILE_DIR = process.env.BENCH_BROWSER_PROFILE;
const PLAY_SESSIONS = QUICK ? 1 : 2;
const INSTANCE = `bench-browser-${process.pid}`;
const LESSONS = [
  { template: "shell", slug: "start-here" },
  { template: "docker", slug: "meet-docker" },
] as const;
/** A machine's idle memory is read after this long with nobody typing: long enough for the nested dockerd's start-up work to end. */
const SETTLE_MS = 20_000;
/** The longest one load may take before it counts as failed (a cold docker sandbox on a loaded machine takes several seconds). */
const LOAD_TIMEOUT_MS = 90_000;

/**
 * Steps of a load: each from the latest of its `from` marks (what it waited for) to its
 * `to` mark. The token, the socket and the sandbox are got while xterm.js loads
 * (SandboxConnection.prepare), so the steps overlap and can add up to more than the total;
 * the shell waits for both the sandbox and the screen.
 */
const STEPS = [
  ["page", ["bench:click"], "created", "click → lesson page hydrated (its connection created)"],
  ["terminal", ["created"], "start", "xterm.js loaded and its screen opened"],
  ["token", ["asked"], "token", "sandbox token fetched from the web app"],
  ["connect", ["token"], "connected", "socket.io connected to the service"],
  ["sandbox", ["connected"], "sandbox", "sandbox:open answered (claimed or created and started)"],
  ["shell", ["sandbox", "start"], "terminal", "terminal:open answered (shell attached), once the sandbox and the screen are ready"],
  ["prompt", ["terminal"], "bench:prompt", "the prompt on screen"],
] as const;

interface Load {
  template: string;
  pool: "warm" | "cold";
  /** Milliseconds per step, plus `echo` (key → character on screen) and `total` (click → prompt, + echo). */
  ms: Record<string, number>;
  /** JavaScript the lesson page fetched after the click, bytes over the wire. */
  jsBytes: number;
  jsFiles: number;
}

interface PlayFigures {
  pool: "warm" | "cold";
  addMachine: number[];
  /** node1's own time to prompt on opening /play. */
  firstMachine: number[];
  memory?: { machines: number; workingSetMiB: number; usageMiB: number; anonMiB: number; perMachineMiB: number };
}

function log(message: string): void {
  process.stderr.write(`[bench:browser] ${message}\n`);
}

// ---------------------------------------------------------------- the platform

interface Platform {
  web: string;
  service: string;
  stop(): Promise<void>;
}

/** `npm start` (scripts/start.sh) on free ports, its own instance and database, with these pool sizes. */
async function startPlatform(pools: { shell: number; docker: number }): Promise<Platform> {
  const [webPort, servicePort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn("bash", ["scripts/start.sh"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(webPort),
      SANDBOX_PORT: String(servicePort),
      DOJO_INSTANCE: INSTANCE,
      DATABASE_URL: `file:.dojo/${INSTANCE}.db`,
      SANDBOX_POOL_SIZE: String(pools.shell),
      SANDBOX_DOCKER_POOL_SIZE: String(pools.docker),
      // Every load is a new visitor from 127.0.0.1: the per-address limit would refuse the 61st in a minute.
      SANDBOX_TOKENS_PER_MINUTE: "100000",
    },
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Interrupted: the platform stops with us (its supervisor stops the web app and the service; removeInstance is then for the next run's start).
  process.once("exit", () => child.kill("SIGTERM"));
  const service = `http://127.0.0.1:${servicePort}`;
  const web = `http://localhost:${webPort}`;
  const deadline = Date.now() + 600_000; // the first start builds the site (about a minute)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the platform exited while starting:\n${output}`);
    const up = await Promise.all([fetch(`${service}/healthz`), fetch(web)].map((f) => f.then((r) => r.ok, () => false)));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error(`the platform did not start within 10 minutes:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    web,
    service,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await removeInstance();
    },
  };
}

/** Every container, volume and network of this run's instance. */
async function removeInstance(): Promise<void> {
  const label = { "dojo.instance": INSTANCE };
  await removeLabelled(label);
  const { execFileSync } = await import("node:child_process");
  const ls = (kind: string) => execFileSync("docker", [kind, "ls", "-q", "--filter", `label=dojo.instance=${INSTANCE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  const volumes = ls("volume");
  if (volumes.length) execFileSync("docker", ["volume", "rm", "-f", ...volumes]);
  const networks = ls("network");
  if (networks.length) execFileSync("docker", ["network", "rm", ...networks], { stdio: "ignore" });
}

/** Removes the sandboxes learners claimed (names with a claim: see sandbox-service/src/sessions/identity.ts), leaving the pool. */
async function removeClaimed(): Promise<void> {
  const { execFileSync } = await import("node:child_process");
  const rows = execFileSync("docker", ["ps", "-a", "--format", "{{.ID}} {{.Names}}", "--filter", `label=dojo.instance=${INSTANCE}`], { encoding: "utf8" });
  const claimed = rows.split("\n").filter((row) => row.split(" ")[1]?.includes(".")).map((row) => row.split(" ")[0]!);
  if (claimed.length) execFileSync("docker", ["rm", "-f", "-v", ...claimed], { stdio: "ignore" });
}

/** Ready sandboxes of a template in the service's pool (its /metrics). */
async function poolReady(service: string, template: string): Promise<number> {
  const text = await (await fetch(`${service}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`dojo_pool_ready{template="${template}"`));
  return Number(line?.split(" ").at(-1) ?? 0);
}

/** Waits until the pool holds a ready sandbox of the template (the refill after the last claim). */
async function poolHasOne(service: string, template: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await poolReady(service, template)) < 1) {
    if (Date.now() > deadline) throw new Error(`the ${template} pool did not refill within 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---------------------------------------------------------------- in the page

/**
 * Installs what the page needs to time itself: `bench:click` on the next click (capture
 * phase, before the app sees it), `bench:key` on each keydown, and a promise on `window`
 * resolving when the terminal inside `within` is connected and its rows show `text`.
 */
async function installProbes(page: Page): Promise<void> {
  // tsx compiles this file keeping function names, through a helper the page lacks.
  await page.evaluate("globalThis.__name ??= (f) => f");
  await page.evaluate(() => {
    const w = window as unknown as { __benchProbes?: boolean };
    if (w.__benchProbes) return;
    w.__benchProbes = true;
    addEventListener("click", () => performance.mark("bench:click"), { capture: true });
    addEventListener("keydown", () => performance.mark("bench:key"), { capture: true });
  });
}

/** Starts watching (before the action that should cause it) for `text` on the connected terminal inside `scope`; `done()` resolves with the mark's time. */
async function watchScreen(page: Page, scope: string, text: string, markName: string): Promise<() => Promise<number>> {
  const handle = await page.evaluateHandle(
    // Wrapped in an object: evaluateHandle would wait for a promise it is handed back.
    ({ scope, text, markName }) => ({
      seen: new Promise<number>((resolve) => {
        const check = () => {
          const terminal = document.querySelector(`${scope} [data-testid="terminal"]`);
          const rows = terminal?.querySelector(".xterm-rows");
          // xterm's DOM renderer writes spaces as no-break spaces.
          if (terminal?.getAttribute("data-status") !== "connected" || !rows?.textContent?.replace(/\u00a0/g, " ").includes(text)) return;
          observer.disconnect();
          resolve(performance.mark(markName).startTime);
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        check();
      }),
    }),
    { scope, text, markName },
  );
  return () => withTimeout(handle.evaluate((h) => h.seen), `"${text}" on the terminal`);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS))),
  ]);
}

/** The page's marks, the last of each name (bench marks repeat per action). */
async function marks(page: Page, machine: string): Promise<Record<string, number>> {
  const entries = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => [m.name, m.startTime] as const));
  const out: Record<string, number> = {};
  for (const [name, time] of entries) {
    if (name.startsWith("bench:")) out[name] = time;
    else if (name.startsWith(`dojo:${machine}:`)) out[name.slice(`dojo:${machine}:`.length)] = time;
  }
  return out;
}

/** Types one character into the terminal inside `scope` and times it until it is on screen after the prompt. */
async function echo(page: Page, scope: string): Promise<number> {
  await page.locator(`${scope} .xterm-helper-textarea`).first().focus();
  const seen = await watchScreen(page, scope, "# x", "bench:echo");
  await page.keyboard.type("x");
  const at = await seen();
  const m = await marks(page, "");
  return at - m["bench:key"]!;
}

// ---------------------------------------------------------------- lesson loads

async function lessonLoad(browser: Browser, web: string, lesson: (typeof LESSONS)[number], pool: "warm" | "cold"): Promise<Load> {
  const context = await browser.newContext({ baseURL: web });
  try {
    const page = await context.newPage();
    await page.goto("/");
    // The catalog as a person finds it: loaded, with Next's prefetch of the links in view done.
    await page.waitForLoadState("networkidle");
    await installProbes(page);
    const js: { url: string; bytes: number }[] = [];
    let clicked = false;
    page.on("requestfinished", (request) => {
      if (!clicked || request.resourceType() !== "script") return;
      void request.sizes().then((s) => js.push({ url: request.url(), bytes: s.responseBodySize + s.responseHeadersSize }), () => undefined);
    });
    const prompt = await watchScreen(page, "main", "# ", "bench:prompt");
    const profiler = PROFILE_DIR ? await context.newCDPSession(page) : undefined;
    if (profiler) {
      await profiler.send("Profiler.enable");
      await profiler.send("Profiler.setSamplingInterval", { interval: 200 });
      await profiler.send("Profiler.start");
    }
    clicked = true;
    await page.locator(`main a[href="/lessons/${lesson.slug}"]`).first().click();
    await prompt();
    const echoMs = await echo(page, "main");
    if (profiler) {
      const { profile } = await profiler.send("Profiler.stop");
      mkdirSync(PROFILE_DIR!, { recursive: true });
      writeFileSync(path.join(PROFILE_DIR!, `${lesson.template}-${pool}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    const m = await marks(page, "lesson");
    const ms: Record<string, number> = {};
    for (const [step, from, to] of STEPS) ms[step] = round(m[to]! - Math.max(...from.map((f) => m[f]!)));
    ms.echo = round(echoMs);
    ms.total = round(m["bench:prompt"]! - m["bench:click"]! + echoMs);
    return { template: lesson.template, pool, ms, jsBytes: js.reduce((sum, f) => sum + f.bytes, 0), jsFiles: js.length };
  } finally {
    await context.close();
    await removeClaimed();
  }
}

// ---------------------------------------------------------------- playground

async function playSession(browser: Browser, platform: Platform, pool: "warm" | "cold", figures: PlayFigures, measureMemory: boolean): Promise<void> {
  const context = await browser.newContext({ baseURL: platform.web });
  try {
    const page = await context.newPage();
    const node1 = await (async () => {
      await page.goto("/play");
      await installProbes(page);
      return watchScreen(page, '[data-machine="node1"]', "# ", "bench:prompt");
    })();
    await node1();
    // The probes may arrive after node1's prompt: its own marks time it (hydrated → shell attached).
    const first = await marks(page, "node1");
    figures.firstMachine.push(round(first.terminal! - first.created!));
    for (let n = 2; n <= 5; n++) {
      const scope = `[data-machine="node${n}"]`;
      const prompt = await watchScreen(page, scope, "# ", "bench:prompt");
      await page.getByRole("button", { name: "+ Add machine" }).first().click();
      const at = await prompt();
      const m = await marks(page, `node${n}`);
      figures.addMachine.push(round(at - m["bench:click"]!));
      log(`  ${pool} add node${n}: ${Math.round(at - m["bench:click"]!)} ms`);
    }
    if (measureMemory) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const ids = await containersLabelled({ "dojo.instance": INSTANCE });
      const { execFileSync } = await import("node:child_process");
      const names = execFileSync("docker", ["inspect", "--format", "{{.Id}} {{.Name}}", ...ids], { encoding: "utf8" }).split("\n").filter(Boolean);
      const machines = names.filter((row) => row.split(" ")[1]!.includes(".")).map((row) => row.split(" ")[0]!);
      const mem = machines.map(containerMemory).filter((x) => x !== null);
      const MiB = 1024 * 1024;
      const sum = (f: (x: (typeof mem)[number]) => number) => round(mem.reduce((s, x) => s + f(x), 0) / MiB);
      figures.memory = { machines: mem.length, workingSetMiB: sum((x) => x.workingSetBytes), usageMiB: sum((x) => x.usageBytes), anonMiB: sum((x) => x.anonBytes), perMachineMiB: round(sum((x) => x.workingSetBytes) / Math.max(1, mem.length)) };
      log(`  idle five-machine session: ${JSON.stringify(figures.memory)}`);
    }
  } finally {
    await context.close();
    await removeClaimed();
  }
}

// ---------------------------------------------------------------- report

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function cellSummary(loads: readonly Load[]) {
  const steps: Record<string, Summary | null> = {};
  for (const key of [...STEPS.map(([s]) => s), "echo", "total"]) steps[key] = summarize(loads.map((l) => l.ms[key]!));
  return { loads: loads.length, steps, jsBytesMedian: summarize(loads.map((l) => l.jsBytes))?.median ?? null };
}

function markdown(result: ReturnType<typeof buildResult>): string {
  const lines = [
    `# bench:browser — ${result.date}`,
    "",
    `Chromium ${result.browser}, ${result.machine.cpus} cores, load average ${result.machine.loadAtStart} at the start, ${result.machine.loadAtEnd} at the end.`,
    "",
    "## Lesson loads: click on the catalog → a prompt that echoes (ms, median / p95)",
    "",
    `| template | pool | loads | ${[...STEPS.map(([s]) => s), "echo", "**total**"].join(" | ")} | JS after click |`,
    `| --- | --- | --- | ${[...STEPS, 1, 2].map(() => "---").join(" | ")} | --- |`,
  ];
  for (const cell of result.lessons) {
    const fmt = (s: Summary | null) => (s ? `${Math.round(s.median)} / ${Math.round(s.p95)}` : "–");
    const cols = [...STEPS.map(([s]) => s), "echo", "total"].map((k) => fmt(cell.steps[k]!));
    cols[cols.length - 1] = `**${cols.at(-1)}**`;
    lines.push(`| ${cell.template} | ${cell.pool} | ${cell.loads} | ${cols.join(" | ")} | ${cell.jsBytesMedian === null ? "–" : `${Math.round(cell.jsBytesMedian / 1024)} KiB`} |`);
  }
  lines.push("", "Steps: " + STEPS.map(([s, , , what]) => `**${s}** ${what}`).join("; ") + "; **echo** keydown → the character on screen; **total** click → prompt, plus the echo.", "");
  if (result.play.length) {
    lines.push("## Playground: \"+ Add machine\" → a prompt on the new machine (ms)", "", "| platform pool | adds | median | p95 | node1 on opening /play (median) | idle five-machine session |", "| --- | --- | --- | --- | --- | --- |");
    for (const p of result.play) {
      const s = summarize(p.addMachine);
      const first = summarize(p.firstMachine);
      const mem = p.memory ? `${p.memory.workingSetMiB} MiB working set over ${p.memory.machines} machines (${p.memory.perMachineMiB} MiB each; usage ${p.memory.usageMiB}, anonymous ${p.memory.anonMiB})` : "–";
      lines.push(`| ${p.pool} | ${s?.samples ?? 0} | ${s ? Math.round(s.median) : "–"} | ${s ? Math.round(s.p95) : "–"} | ${first ? Math.round(first.median) : "–"} | ${mem} |`);
    }
  }
  return lines.join("\n") + "\n";
}

function buildResult(loads: Load[], play: PlayFigures[], browser: string, loadAtStart: number) {
  const lessons = [];
  for (const pool of ["warm", "cold"] as const) {
    for (const { template } of LESSONS) {
      const cell = loads.filter((l) => l.pool === pool && l.template === template);
      if (cell.length) lessons.push({ template, pool, ...cellSummary(cell), samples: cell });
    }
  }
  return {
    date: new Date().toISOString(),
    browser,
    machine: { cpus: os.cpus().length, loadAtStart: round(loadAtStart), loadAtEnd: round(os.loadavg()[0]!) },
    settings: { loadsPerCell: LOADS, quick: QUICK, playSessions: PLAY_SESSIONS, settleMs: SETTLE_MS },
    lessons,
    play,
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  log(`load average ${loadAtStart.toFixed(2)}; ${LOADS} loads per cell; instance ${INSTANCE}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-quic", "--disable-sync", "--disable-background-networking"],
  });
  const version = browser.version();
  const loads: Load[] = [];
  const play: PlayFigures[] = [];
  try {
    // Warm: a pool of one per template, refilled (and waited for) before each click. Cold: no pool at all.
    for (const pool of ["warm", "cold"] as const) {
      const platform = await startPlatform(pool === "warm" ? { shell: 1, docker: 1 } : { shell: 0, docker: 0 });
      log(`${pool} platform up: ${platform.web}`);
      try {
        if (ONLY !== "play") {
          for (const lesson of LESSONS) {
            // One load first, not counted: the first visit compiles nothing (production build) but warms the server's caches.
            for (let i = 0; i <= LOADS; i++) {
              if (pool === "warm") await poolHasOne(platform.service, lesson.template);
              const load = await lessonLoad(browser, platform.web, lesson, pool);
              log(`  ${pool} ${lesson.template} #${i}: ${JSON.stringify(load.ms)} js ${Math.round(load.jsBytes / 1024)} KiB in ${load.jsFiles} files`);
              if (i > 0) loads.push(load);
            }
          }
        }
        if (ONLY !== "lessons") {
          const figures: PlayFigures = { pool, addMachine: [], firstMachine: [] };
          for (let s = 0; s < PLAY_SESSIONS; s++) await playSession(browser, platform, pool, figures, s === 0);
          play.push(figures);
        }
      } finally {
        await platform.stop();
      }
    }
  } finally {
    await browser.close();
    await removeInstance().catch(() => undefined);
    // The run's own database: nothing in it outlives the run.
    for (const suffix of ["", "-shm", "-wal"]) rmSync(path.join(REPO_ROOT, ".dojo", `${INSTANCE}.db${suffix}`), { force: true });
  }
  const result = buildResult(loads, play, version, loadAtStart);
  mkdirSync(RESULTS, { recursive: true });
  const name = ONLY ? `browser-${ONLY}` : "browser";
  writeFileSync(path.join(RESULTS, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
  const md = markdown(result);
  writeFileSync(path.join(RESULTS, `${name}.md`), md);
  process.stdout.write(md);
}

process.once("SIGINT", () => process.exit(130));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
