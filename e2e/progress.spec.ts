import { spawn, type ChildProcess } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

const restartUrl = `http://localhost:${e2e.restart.webPort}`;

test("a step is checked in the sandbox, and stays passed on the next visit", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  const step = page.getByTestId("check-save-hostname");
  await expect(step).toHaveAttribute("data-passed", "false");

  // Checking before doing the step says what is missing.
  await step.getByRole("button", { name: "Check" }).click();
  await expect(step).toContainText("Not yet: ~/hostname.txt should contain exactly your container's host name");

  await page.getByRole("button", { name: "▶ Run" }).nth(1).click(); // hostname > ~/hostname.txt
  await lesson.run("cat ~/hostname.txt");
  await step.getByRole("button", { name: "Check" }).click();
  await expect(step).toHaveAttribute("data-passed", "true");
  await expect(page.getByTestId("progress").first()).toContainText("1 of 3 steps");

  await page.reload();
  await expect(page.getByTestId("check-save-hostname")).toHaveAttribute("data-passed", "true");
  await page.goto("/progress");
  await expect(page.getByTestId("progress-page")).toContainText("1 of");
  await expect(page.getByRole("link", { name: /Resume with “Start here: a first look inside a container/ })).toBeVisible();
});

/** A second platform of its own, so it can be stopped and started again. */
function startPlatform(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/platform.ts", "production"], {
    env: { ...process.env, PORT: String(e2e.restart.webPort), SANDBOX_PORT: String(e2e.restart.sandboxPort), DOJO_INSTANCE: e2e.restart.instance },
    stdio: "ignore",
    detached: true,
  });
}

async function waitUntilUp(page: Page): Promise<void> {
  await expect(async () => {
    expect((await page.request.get(`http://localhost:${e2e.restart.sandboxPort}/healthz`)).ok()).toBe(true);
    expect((await page.request.get(`${restartUrl}/`)).ok()).toBe(true);
  }).toPass({ timeout: 60_000 });
}

async function stop(platform: ChildProcess): Promise<void> {
  process.kill(-platform.pid!, "SIGTERM");
  await new Promise((resolve) => platform.once("exit", resolve));
}

test("progress survives a restart of web and service", async ({ page }) => {
  test.setTimeout(180_000);
  let platform = startPlatform();
  try {
    await waitUntilUp(page);
    const lesson = new LessonPage(page);
    await page.goto(`${restartUrl}/lessons/start-here`);
    await lesson.waitConnected();
    await lesson.run("ps -p 1 -o args= > ~/pid1.txt");
    await page.getByTestId("check-find-pid-1").getByRole("button", { name: "Check" }).click();
    await expect(page.getByTestId("check-find-pid-1")).toHaveAttribute("data-passed", "true");

    await stop(platform);
    platform = startPlatform();
    await waitUntilUp(page);
    await page.goto(`${restartUrl}/lessons/start-here`);
    await expect(page.getByTestId("check-find-pid-1")).toHaveAttribute("data-passed", "true");
    // And the sandbox itself was re-adopted: the file is still there.
    await lesson.waitConnected();
    await lesson.run("cat ~/pid1.txt");
    await lesson.expectLine("/sbin/docker-init -- sleep infinity");
  } finally {
    await stop(platform);
  }
});
