/**
 * A fork bomb left running when the learner closes the page: the platform freezes it
 * (playwright.config.ts shortens the window to 6 s), and when the learner comes back the
 * page says why above the terminal, and Reset gives a fresh sandbox.
 */
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

/** Docker's state of the sandbox whose host name (the learner's prompt) is `hostname`. */
function stateOf(hostname: string): string {
  const lines = execFileSync("docker", ["ps", "-a", "--filter", `label=dojo.instance=${e2e.instance}`, "--format", "{{.Names}} {{.State}}"], { encoding: "utf8" });
  const line = lines.split("\n").find((l) => l.startsWith(`dojo-${hostname}.`) || l.startsWith(`dojo-${hostname} `));
  return line?.split(" ")[1] ?? "gone";
}

test("a fork bomb left running is paused while the learner is away; back, they read why and can reset", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const first = new LessonPage(await context.newPage());
  await first.open("start-here");
  await first.run('echo "ho""st=$(hostname)"');
  const hostname = /host=(\S+)/.exec(await first.screen())?.[1];
  expect(hostname).toMatch(/^shell-[a-f0-9]{8}$/);
  // Typed, not run: at its limit the shell itself may wait on fork() for ever, so nothing typed after it is sure to run.
  await first.type(":(){ :|:& };:");
  await expect(first.rows).toContainText("fork", { timeout: 30_000 });
  await first.page.close();

  await expect.poll(() => stateOf(hostname!), { timeout: 60_000 }).toBe("paused");

  const back = new LessonPage(await context.newPage());
  await back.page.goto("/lessons/start-here");
  // Connected to the same sandbox again (its prompt may have scrolled away under the bomb's complaints).
  await expect(back.terminal).toHaveAttribute("data-status", "connected", { timeout: 45_000 });
  await expect(back.page.getByTestId("terminal-notice")).toContainText("sat at its limit of running processes");
  await expect(back.page.getByTestId("terminal-notice")).toContainText("press Reset sandbox");
  expect(stateOf(hostname!)).toBe("running");

  await back.page.getByRole("button", { name: "Reset sandbox" }).click();
  await back.waitConnected();
  await back.run('echo "fre""sh=$(hostname)"');
  expect(/fresh=(\S+)/.exec(await back.screen())?.[1]).not.toBe(hostname);
  expect(stateOf(hostname!)).toBe("gone");
  await context.close();
});
