import { expect, test } from "@playwright/test";
import { LessonPage } from "./lesson-page";

test("the catalog lists the lessons from lessons/", async ({ page }) => {
  await page.goto("/");
  const cards = page.getByTestId("lesson-card");
  await expect(cards.first()).toContainText("Start here: a first look inside a container");
  await expect(cards.first()).toContainText("10 min");
  expect(await cards.count()).toBeGreaterThanOrEqual(2);
});

test("a lesson opens a live shell in the learner's own container", async ({ page }) => {
  const lesson = new LessonPage(page);
  await page.goto("/lessons/start-here");
  // While it starts, the learner sees what is happening, not a blank box.
  await expect(lesson.terminal.getByTestId("terminal-overlay")).toContainText(/sandbox|Connecting/);
  await lesson.waitConnected();
  await lesson.type("echo $((6*7))");
  await lesson.expectLine("42");
});

test("reloading reconnects to the same container, replaying output once", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  await lesson.run("touch /tmp/keep && echo marker-$((1000+337))");
  await page.reload();
  await lesson.waitConnected();
  const screen = await lesson.run("ls /tmp/keep");
  expect(screen).toContain("/tmp/keep");
  expect(screen).not.toContain("No such file");
  // The earlier output came back with the replay, exactly once.
  expect(screen.match(/marker-1337/g)).toHaveLength(1);
});

test("another learner gets a different container", async ({ browser }) => {
  const first = new LessonPage(await (await browser.newContext()).newPage());
  const second = new LessonPage(await (await browser.newContext()).newPage());
  await first.open("start-here");
  await second.open("start-here");
  const hostOf = async (lesson: LessonPage) => {
    await lesson.run('echo "ho""st=$(hostname)"');
    return /host=(\S+)/.exec(await lesson.screen())?.[1];
  };
  const [a, b] = [await hostOf(first), await hostOf(second)];
  expect(a).toBeTruthy();
  expect(b).toBeTruthy();
  expect(a).not.toBe(b);
});

test("an unknown lesson is a 404 page", async ({ page }) => {
  const response = await page.goto("/lessons/no-such-lesson");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test.describe("copy and paste", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("selecting copies; Ctrl+Shift+V and right-click paste", async ({ page }) => {
    const lesson = new LessonPage(page);
    await lesson.open("start-here");
    await lesson.run('echo "copy""-me-please"');

    // Double-click the word in the output line (xterm's screen layer takes the click): the selection lands on the clipboard.
    const line = lesson.rows.locator(":scope > div", { hasText: /^copy-me-please\s*$/ });
    await line.dblclick({ position: { x: 30, y: 5 }, force: true });
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("copy-me-please");

    await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((3*3))"));
    await lesson.terminal.locator(".xterm-helper-textarea").focus();
    await page.keyboard.press("Control+Shift+V");
    await page.keyboard.press("Enter");
    await lesson.expectLine("pasted-9");

    await page.evaluate(() => navigator.clipboard.writeText("echo right-$((5*5))"));
    await lesson.terminal.locator(".xterm-screen").click({ button: "right" });
    await page.keyboard.press("Enter");
    await lesson.expectLine("right-25");
  });

  test("right-click then Enter at once runs the pasted line, however long reading the clipboard takes", async ({ page }) => {
    // Reading the clipboard is asynchronous, and slow on a busy machine: here it finishes
    // only when the test says so, after the learner has already pressed Enter.
    await page.addInitScript(() => {
      const read = navigator.clipboard.readText.bind(navigator.clipboard);
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      Object.assign(window, { releaseClipboard: release });
      navigator.clipboard.readText = async () => {
        await released;
        return read();
      };
    });
    const lesson = new LessonPage(page);
    await lesson.open("start-here");
    await page.evaluate(() => navigator.clipboard.writeText("echo held-$((7*7))"));
    await lesson.terminal.locator(".xterm-screen").click({ button: "right" });
    await page.keyboard.press("Enter");
    await page.evaluate(() => (window as unknown as { releaseClipboard(): void }).releaseClipboard());
    await lesson.expectLine("held-49");
  });
});

test("a forged learner cookie is refused in a sentence and cleared", async ({ page, context }) => {
  await context.addCookies([{ name: "dojo_learner", value: "learner-forged-0123456.bad-signature", url: "http://localhost:3100" }]);
  const lesson = new LessonPage(page);
  await page.goto("/lessons/start-here");
  await expect(lesson.terminal).toHaveAttribute("data-status", "error");
  await expect(lesson.terminal.getByTestId("terminal-overlay")).toContainText("Your learner cookie was not issued by this platform");
  expect((await context.cookies()).find((c) => c.name === "dojo_learner")).toBeUndefined();
  // A reload continues as a new learner.
  await page.reload();
  await lesson.waitConnected();
});

test("a flood of output does not freeze the tab, and Ctrl-C stops it", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  await lesson.type("yes flood-line");
  await expect(lesson.rows).toContainText("flood-line");
  // The flood has scrolled the command line off the screen (it may have before the line
  // above looked): the tab is rendering it.
  await expect.poll(async () => (await lesson.screen()).includes("yes flood-line")).toBe(false);
  await page.keyboard.press("Control+C");
  await lesson.type('echo "after-""flood"');
  await lesson.expectLine("after-flood");
});

test("before the maximum lifetime the learner is warned and can get more time", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  const banner = page.getByTestId("terminal-expiry");
  await expect(banner).toContainText("Your sandbox will be removed at");
  await banner.getByRole("button", { name: "Give me more time" }).click();
  await expect(banner).toBeHidden();
  await expect(page.getByTestId("terminal-notice")).toContainText("Extended: your sandbox now stays until");
});
