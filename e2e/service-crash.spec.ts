/**
 * Issue 16: the platform survives its own crashes. On a platform of its own (so it can be
 * crashed and stopped): a learner writes a file; the sandbox service is killed with -9;
 * the supervisor starts it again, and the same page, never reloaded, comes back to the
 * same sandbox with the file and its screen. Then the Docker engine itself is restarted
 * (it runs with live-restore): the same terminal carries on in the same sandbox, with the
 * file. Then the platform is stopped: none of its
 * processes remain, its ports are free, and a second start on the same ports works.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { commandLine, portIsFree, stillRunning, tree } from "../scripts/platform/testing/processes";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

const { webPort, sandboxPort, instance } = e2e.crash;
const siteUrl = `http://localhost:${webPort}`;

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

async function hostnameShown(lesson: LessonPage): Promise<string> {
  const state = lesson.page.getByTestId("terminal-state");
  await expect(state).toContainText(/^Connected to shell-/);
  return (await state.innerText()).replace("Connected to ", "").trim();
}

test("a service killed with -9 is a blip: the same page comes back to the same sandbox; a stopped platform leaves nothing behind", async ({ page }) => {
  test.setTimeout(300_000);
  let platform = startPlatform();
  try {
    await waitUntilUp(page);
    const lesson = new LessonPage(page);

    await test.step("a learner writes a file", async () => {
      await page.goto(`${siteUrl}/lessons/start-here`);
      await lesson.waitConnected();
      await lesson.run('echo "learner-work-$((6*7))" > ~/work.txt && echo "before""-the-crash"');
      // Proof that the page is never reloaded: a reload would lose this.
      await page.evaluate(() => ((window as unknown as { dojoNoReload: string }).dojoNoReload = "same page"));
    });
    const hostname = await hostnameShown(lesson);

    await test.step("the sandbox service is killed with -9; the terminal says it is reconnecting", async () => {
      process.kill(servicePid(platform), "SIGKILL");
      await expect(lesson.terminal).toHaveAttribute("data-status", "reconnecting");
      await expect(lesson.terminal.getByTestId("terminal-overlay")).toContainText(/Reconnecting|Retrying/);
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
      expect(await page.evaluate(() => (window as unknown as { dojoNoReload?: string }).dojoNoReload)).toBe("same page");
      await expect.poll(() => platform.output(), { timeout: 30_000 }).toContain("[platform] sandbox is back");
    });

    await test.step("the Docker engine restarts (live-restore): the same terminal carries on in the same sandbox", async () => {
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
      expect(await page.evaluate(() => (window as unknown as { dojoNoReload?: string }).dojoNoReload)).toBe("same page");
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
