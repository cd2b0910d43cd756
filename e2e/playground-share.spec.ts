import { expect, test } from "@playwright/test";
import { LessonPage } from "./lesson-page";

/**
 * Issue 13's "Done when" for sharing: a learner's playground with two machines (a container
 * on node1 reached from node2 by name), a read-only link a second browser watches live, a
 * third browser without a link (and one with the link after it is revoked) refused.
 */
test("a read-only invite link lets a second browser watch the playground live; without it, or once revoked, nobody gets in", async ({ browser, page }) => {
  test.setTimeout(240_000);
  await page.goto("/play");
  const node1 = new LessonPage(page, page.locator('[data-machine="node1"]'));
  await node1.waitConnected();

  // A second machine; a container in node1's engine, published on node1, answers node2 by
  // name. Its page is computed inside the container ($((6*7)) in single quotes), so neither
  // typed command line can show the expected text by itself. busybox comes from the platform
  // registry's mirror, as in the lessons.
  await page.getByRole("button", { name: "+ Add machine" }).click();
  const node2 = new LessonPage(page, page.locator('[data-machine="node2"]'));
  await node2.waitConnected();
  await page.getByTestId("machine-tab-node1").click();
  await node1.run(
    "docker pull -q busybox >/dev/null && docker run -d --name web -p 7000:80 busybox" +
      " sh -c 'mkdir -p /www && echo from-node1-container-$((6*7)) >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null && echo web-$((3+4))",
    90_000,
  );
  await node1.expectLine("web-7");
  await page.getByTestId("machine-tab-node2").click();
  await node2.run("for i in $(seq 100); do curl -sf --max-time 3 http://node1:7000/ && break; sleep 0.3; done", 60_000);
  await node2.expectLine("from-node1-container-42");

  // A read-only link.
  await page.getByText("Share this playground").click();
  await page.getByTestId("invite-access").selectOption("read");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/play\/shared\/[A-Za-z0-9_-]{22}$/);

  // A second browser (its own cookies) opens it and watches node1 live.
  const watcherContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  await watcher.goto(link);
  await expect(watcher.getByTestId("guest-access").first()).toContainText("read-only");
  await expect(watcher.getByRole("button", { name: "+ Add machine" })).toHaveCount(0);
  await expect(watcher.getByTestId("machine-tab-node2")).toBeVisible();
  const watched = new LessonPage(watcher, watcher.locator('[data-machine="node1"]'));
  await expect(watched.terminal).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
  await page.getByTestId("machine-tab-node1").click();
  await node1.run("echo owner-typed-$((20+22))");
  await watched.expectLine("owner-typed-42");
  // Typing in the watcher's terminal reaches nobody.
  await watched.terminal.locator(".xterm-helper-textarea").focus();
  await watcher.keyboard.type("echo watcher-typed-$((1+1))");
  await watcher.keyboard.press("Enter");
  await node1.run("echo owner-again");
  expect(await node1.screen()).not.toContain("watcher-typed");

  // A third browser without a link: its own /play is its own (node1 is not the owner's),
  // and a made-up link is refused in a sentence.
  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await stranger.goto(`/play/shared/${"A".repeat(22)}`);
  await expect(stranger.getByTestId("invite-refused")).toContainText("This invite link is not valid");
  await expect(stranger.getByTestId("terminal")).toHaveCount(0);

  // Revoked: the watcher is cut with a sentence, and opening the link again is refused.
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("invite")).toHaveCount(0);
  await expect(watched.terminal).toHaveAttribute("data-status", "ended", { timeout: 15_000 });
  await expect(watched.terminal).toContainText("revoked");
  await stranger.goto(link);
  await expect(stranger.getByTestId("invite-refused")).toContainText("revoked");

  await watcherContext.close();
  await strangerContext.close();
});
