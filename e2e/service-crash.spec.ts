/**
 * Issue 16: the platform survives its own crashes. On a platform of its own (so it can be
 * crashed and stopped): a learner writes a file in a shell lesson, and in a second tab
 * starts a container in a docker lesson's own Docker engine; the sandbox service is killed
 * with -9 (the page's live region says it is reconnecting, then that it reconnected); the
 * supervisor starts it again, and the same pages, never reloaded, come back to the same
 * sandboxes, the shell one with the file and its screen. Then the Docker engine itself is
 * restarted (it runs with live-restore): the same terminals carry on in the same sandboxes,
 * with the file, and the engine nested in the docker sandbox still runs the container and
 * runs new ones. Then the platform is stopped: none of its processes remain, its ports are
 * free, and a second start on the same ports works.
 *
 * Two tabs of one learner, not two tests: every engine restart costs a shell and a Docker
 * engine inside each sandbox a reconnect, so both kinds ride out the same one. A lesson
 * page holds one sandbox, of its lesson's template, hence a tab for each.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { commandLine, portIsFree, stillRunning, tree } from "../scripts/platform/testing/processes";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

const { webPort, sandboxPort, instance } = e2e.crash;
const siteUrl = `http://localhost:${webPort}`;
/** The first and shortest docker lesson (no editor, one machine; its images include busybox, which the platform registry serves). */
const DOCKER_LESSON = "meet-docker";
/** What the page's live region (components/lesson/status-announcements.ts) says when the connection goes, and when it is back. */
const SAID_RECONNECTING = "Connection lost. Reconnecting…";
const SAID_RECONNECTED = "Reconnected to your sandbox.";

interface Platform {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startPlatform(): Platform {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/platform.ts", "production"], {
    env: { ...process.env, PORT: String(webPort), SANDBOX_PORT: String(sandboxPort), DOJO_INSTANCE: instance },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

async function waitUntilUp(page: Page): Promise<void> {
  await expect(async () => {
    expect((await page.request.get(`http://localhost:${sandboxPort}/healthz`)).ok()).toBe(true);
    expect((await page.request.get(`${siteUrl}/`)).ok()).toBe(true);
  }).toPass({ timeout: 90_000 });
}

/** The sandbox service's process: the platform's child running sandbox-service/src/main.ts. */
function servicePid(platform: Platform): number {
  const service = tree(platform.child.pid!).find((p) => p.ppid === platform.child.pid && commandLine(p.pid).includes("sandbox-service/src/main.ts"));
  expect(service, "the platform runs the sandbox service as its child").toBeDefined();
  return service!.pid;
}

/** SIGTERM, as Ctrl-C or a service manager would: resolves once the platform has exited; asserts nothing of it is left. */
async function stopPlatform(platform: Platform): Promise<void> {
  const everything = tree(platform.child.pid!);
  platform.child.kill("SIGTERM");
  expect(await platform.exited).toBe(0);
  expect(stillRunning(everything).map((p) => `${p.pid} ${commandLine(p.pid)}`)).toEqual([]);
  expect(await portIsFree(webPort)).toBe(true);
  expect(await portIsFree(sandboxPort)).toBe(true);
}

/** The sandbox's hostname, `<template>-<random>`, from the terminal's header. */
async function hostnameShown(lesson: LessonPage, template: "shell" | "docker" = "shell"): Promise<string> {
  const state = lesson.page.getByTestId("terminal-state");
  await expect(state).toContainText(new RegExp(`^Connected to ${template}-`));
  return (await state.innerText()).replace("Connected to ", "").trim();
}

/** What the page's live region has said (its last few messages, oldest first). */
function said(page: Page): Promise<string[]> {
  return page.getByTestId("announcer").locator("p").allInnerTexts();
}

/**
 * The tab to look at next, in front: a tab in the background may not paint, and xterm
 * draws its rows on animation frames, which such a tab does not get.
 */
async function inFront(lesson: LessonPage): Promise<LessonPage> {
  await lesson.page.bringToFront();
  return lesson;
}

const markNoReload = (page: Page) => page.evaluate(() => ((window as unknown as { dojoNoReload: string }).dojoNoReload = "same page"));
const notReloaded = async (page: Page) => expect(await page.evaluate(() => (window as unknown as { dojoNoReload?: string }).dojoNoReload)).toBe("same page");

test("a service killed with -9 and an engine restart are blips: the same pages come back to the same sandboxes, nested engines included; a stopped platform leaves nothing behind", async ({ page }) => {
  test.setTimeout(360_000);
  let platform = startPlatform();
  try {
    await waitUntilUp(page);
    const lesson = new LessonPage(page);
    // The same learner's second tab (same browser context, so same learner cookie).
    const docker = new LessonPage(await page.context().newPage());

    await test.step("a learner writes a file", async () => {
      await page.goto(`${siteUrl}/lessons/start-here`);
      await lesson.waitConnected();
      // Opened once the learner has a cookie (the first page made one), so both tabs are one learner;
      // not waited for yet: its sandbox and the Docker engine inside it start meanwhile.
      await docker.page.goto(`${siteUrl}/lessons/${DOCKER_LESSON}`);
      await inFront(lesson);
      await lesson.run('echo "learner-work-$((6*7))" > ~/work.txt && echo "before""-the-crash"');
      // Proof that the page is never reloaded: a reload would lose this.
      await markNoReload(page);
    });
    const hostname = await hostnameShown(lesson);

    await test.step("in a docker lesson, in a second tab, the learner runs a container in the sandbox's own Docker engine", async () => {
      await inFront(docker);
      // The terminal connects once the nested engine answers (the template's readiness): a cold docker sandbox, on a busy machine.
      await expect(docker.terminal).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
      await expect(docker.rows).toContainText("# ");
      // busybox comes from the platform registry's mirror, as in the lessons.
      await docker.run("docker pull -q busybox >/dev/null && docker run -d --name keep busybox sleep 1d >/dev/null && echo keep-$((6*7))", 60_000);
      await docker.expectLine("keep-42");
      await markNoReload(docker.page);
    });
    const dockerHostname = await hostnameShown(docker, "docker");

    await test.step("the sandbox service is killed with -9; the terminal and the live region say it is reconnecting", async () => {
      await inFront(lesson);
      // So that the sentences asserted below are new ones.
      expect((await said(page)).at(-1), "the live region's last sentence before the kill").not.toBe(SAID_RECONNECTING);
      process.kill(servicePid(platform), "SIGKILL");
      await expect(lesson.terminal).toHaveAttribute("data-status", "reconnecting");
      await expect(lesson.terminal.getByTestId("terminal-overlay")).toContainText(/Reconnecting|Retrying/);
      // Said once through the live region, for screen readers (the retries after it are not news).
      await expect.poll(async () => (await said(page)).at(-1)).toBe(SAID_RECONNECTING);
      // A check asked for meanwhile says, in a sentence, to try again (not "Not yet").
      const check = page.getByTestId("check-write-note");
      await check.getByRole("button", { name: "Check" }).click();
      await expect(check).toContainText("Your sandbox is not connected right now; try again in a moment.");
      await expect(check).not.toContainText("Not yet");
    });

    await test.step("the supervisor starts it again; the same page comes back to the same sandbox with the file", async () => {
      await expect.poll(() => platform.output(), { timeout: 30_000 }).toContain("[platform] sandbox exited (SIGKILL); starting it again in 1 s.");
      await expect(lesson.terminal).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
      expect(await hostnameShown(lesson)).toBe(hostname);
      // The screen was kept (the learner's scrollback), with a note that the shell is new.
      await lesson.expectLine("before-the-crash");
      await expect(lesson.rows).toContainText("[Reconnected to the same sandbox.");
      await lesson.run("cat ~/work.txt");
      await lesson.expectLine("learner-work-42");
      await notReloaded(page);
      // The live region says it is back (the terminal's own "[Reconnected…" line is not read out).
      await expect.poll(async () => (await said(page)).at(-1)).toBe(SAID_RECONNECTED);
      await expect.poll(() => platform.output(), { timeout: 30_000 }).toContain("[platform] sandbox is back");

      // The docker lesson's tab came back to its sandbox too.
      await inFront(docker);
      await expect(docker.terminal).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
      expect(await hostnameShown(docker, "docker")).toBe(dockerHostname);
      await notReloaded(docker.page);
    });

    await test.step("the Docker engine restarts (live-restore): the same terminal carries on in the same sandbox", async () => {
      await inFront(lesson);
      // dockerd's own pid file: nested engines inside docker sandboxes are dockerd processes too.
      const engine = tree(Number(readFileSync("/var/run/docker.pid", "utf8").trim())).slice(0, 1);
      expect(commandLine(engine[0]!.pid)).toMatch(/^dockerd/);
      process.kill(engine[0]!.pid, "SIGTERM");
      await expect.poll(() => stillRunning(engine).length, { timeout: 60_000 }).toBe(0);
      await expect(lesson.rows).toContainText("Docker engine is restarting");
      execFileSync("bash", ["scripts/docker-engine.sh"], { stdio: "ignore" });
      await expect(lesson.rows).toContainText("Reconnected. This is a new shell in the same sandbox", { timeout: 60_000 });
      await expect(lesson.terminal).toHaveAttribute("data-status", "connected");
      expect(await hostnameShown(lesson)).toBe(hostname);
      await lesson.run("cat ~/work.txt && echo after-the-engine-restart");
      await lesson.expectLine("after-the-engine-restart");
      await lesson.expectLine("learner-work-42");
      await notReloaded(page);
    });

    await test.step("the engine nested in the docker sandbox came through it: its container still runs, and it runs new ones", async () => {
      await inFront(docker);
      await expect(docker.rows).toContainText("Reconnected. This is a new shell in the same sandbox", { timeout: 60_000 });
      await expect(docker.terminal).toHaveAttribute("data-status", "connected");
      expect(await hostnameShown(docker, "docker")).toBe(dockerHostname);
      await notReloaded(docker.page);
      // `docker ps` lists running containers only: keep is listed, up since before the restart.
      const screen = await docker.run("docker ps --filter name=keep --format '{{.Names}}: {{.Status}}'");
      expect(screen).toMatch(/^keep: Up /m);
      await docker.run("docker run --rm busybox echo nested-ok", 60_000);
      await docker.expectLine("nested-ok");
      // Its sandbox stays (removed after the run with the rest); the tab would only reconnect to the next platform.
      await docker.page.close();
    });

    await test.step("stopping the platform ends every process it started and frees its ports", async () => {
      await stopPlatform(platform);
    });

    await test.step("a second start on the same ports works, and the sandbox is still there", async () => {
      platform = startPlatform();
      await waitUntilUp(page);
      await page.goto(`${siteUrl}/lessons/start-here`);
      await lesson.waitConnected();
      expect(await hostnameShown(lesson)).toBe(hostname);
      await lesson.run("cat ~/work.txt");
      await lesson.expectLine("learner-work-42");
      await stopPlatform(platform);
    });
  } finally {
    if (platform.child.exitCode === null && platform.child.signalCode === null) {
      platform.child.kill("SIGTERM");
      await platform.exited;
    }
    await test.info().attach("platform output", { body: platform.output(), contentType: "text/plain" });
  }
});
