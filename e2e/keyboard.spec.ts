/**
 * Using the site without a mouse or without seeing it (issue 17): focus is always visible,
 * the terminal can be left with the keyboard, its screen-reader mode is remembered, status
 * changes reach the page's live region; and on a phone-sized screen the header folds into a
 * menu and a lesson shows its text or its terminal. Colours follow the system's scheme.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { LessonPage } from "./lesson-page";
import { PAGES } from "./pages";

const LESSON = "start-here";

/**
 * Pages walked with Tab, by their name in PAGES (whose `ready` is reused: a terminal is
 * connected before the walk, so its controls are there). `reaches`: a control late on the
 * page the walk must get to, so it is known to have gone past the header.
 */
const WALKED: Array<{ name: string; path: string; reaches: (page: Page) => Locator }> = [
  { name: "the catalog", path: "/", reaches: (page) => page.getByRole("link", { name: /Compose/ }) },
  { name: "a shell lesson", path: `/lessons/${LESSON}`, reaches: (page) => page.getByRole("button", { name: "▶ Run" }).last() },
  // The header's link, no code in the address: the learner types it.
  { name: "joining a workshop", path: "/join", reaches: (page) => page.getByRole("button", { name: "Join", exact: true }) },
  { name: "signing in", path: "/account/sign-in", reaches: (page) => page.getByRole("link", { name: "Create one" }) },
  { name: "the playground", path: "/play", reaches: (page) => page.getByRole("button", { name: "+ Add machine" }) },
  { name: "the examples", path: "/examples", reaches: (page) => page.getByRole("link", { name: "Open in playground" }).last() },
];

/** What has the keyboard focus: its test id, or its text, or its tag. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    return el.dataset.testid ?? (el.textContent?.trim() || el.className || el.tagName.toLowerCase());
  });
}

for (const walk of WALKED) {
  test(`every control on ${walk.name} shows where the focus is`, async ({ page }) => {
    // A playground's machine is a docker sandbox: up to 90 s to connect on a busy machine (pages.ts).
    test.setTimeout(150_000);
    const visit = PAGES.find((p) => p.name === walk.name);
    expect(visit, `"${walk.name}" is a page of e2e/pages.ts`).toBeDefined();
    await page.goto(walk.path);
    await visit!.ready?.(page);
    // Marked to be recognised when it has the focus; the walk below must reach it.
    await walk.reaches(page).evaluate((el) => el.setAttribute("data-walk-target", ""));
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    const seen: string[] = [];
    let reached = false;
    // Tab through the page up to the terminal (which keeps Tab for the shell) or back to the start.
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        // Past the last control the focus leaves the page (to the browser's own controls).
        if (el === document.body) return { key: "body", inTerminal: false, outline: true, again: false, target: false };
        // Controls met before, by identity (two links may well have the same markup): the walk has come round.
        const walked = ((window as unknown as { dojoWalked?: WeakSet<Element> }).dojoWalked ??= new WeakSet());
        const again = walked.has(el);
        walked.add(el);
        const inTerminal = !!el.closest(".terminal-body");
        // xterm's input is a hidden textarea: the outline is drawn on the screen around it.
        const style = getComputedStyle(inTerminal ? el.closest(".terminal-body")! : el);
        return {
          key: el.outerHTML.slice(0, 80),
          inTerminal,
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
          again,
          target: el.hasAttribute("data-walk-target"),
        };
      });
      expect(focus.outline, `focus outline on ${focus.key}`).toBe(true);
      reached ||= focus.target;
      if (focus.inTerminal || focus.key === "body" || focus.again) break;
      seen.push(focus.key);
    }
    expect(seen.length).toBeGreaterThan(3);
    expect(reached, `Tab reaches ${walk.reaches(page).toString()} (walked: ${seen.join(" | ")})`).toBe(true);
  });
}

test("the terminal keeps Tab for the shell, and Esc then Tab leaves it, forwards and back", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open(LESSON);
  // The way out is written under the terminal, and screen readers are told it on focus.
  await expect(page.locator("#terminal-keys")).toContainText("Esc then Tab leaves the terminal");
  await expect(lesson.terminal.locator(".xterm-helper-textarea")).toHaveAttribute("aria-describedby", "terminal-keys");

  // Tab alone completes in the shell, as in any terminal.
  await lesson.terminal.locator(".xterm-helper-textarea").focus();
  // "ech" + Tab completes to "echo " in bash; without the Tab it would be "echdone": not found.
  await page.keyboard.type("ech");
  await page.keyboard.press("Tab");
  await page.keyboard.type("tab-completed-$((6*7))");
  await page.keyboard.press("Enter");
  await lesson.expectLine("tab-completed-42");
  expect(await focused(page)).toBe("xterm-helper-textarea");

  // Esc then Tab: the focus moves on to the next control (the screen-reader switch under the screen).
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect(await focused(page)).toBe("screen-reader-mode");
  // Shift+Tab from there goes back into the terminal; Esc then Shift+Tab leaves it backwards.
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toBe("xterm-helper-textarea");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Tab");
  // The terminal's buttons above its screen: "Give me more time" when the lifetime warning shows (it does in these tests), else "Reset sandbox".
  expect(["Give me more time", "Reset sandbox"]).toContain(await focused(page));

  // Back in the terminal, the shell never saw those Escapes: the next line runs as typed (a stray
  // Escape would have made its first key an Alt-key command).
  await lesson.type("echo back-$((6*7))");
  await lesson.expectLine("back-42");
});

test("screen-reader mode is switched on by the learner and remembered on the next visit", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.open(LESSON);
  const toggle = page.getByRole("button", { name: "Screen reader mode" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await expect(lesson.terminal.locator(".xterm-accessibility-tree")).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  // xterm's screen-reader mode keeps an accessible copy of the screen that readers can walk.
  await lesson.run("echo readable-$((6*7))");
  await expect(lesson.terminal.locator(".xterm-accessibility-tree")).toContainText("readable-42");

  await page.reload();
  await lesson.waitConnected();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(lesson.terminal.locator(".xterm-accessibility-tree")).toHaveCount(1);
  await toggle.click();
  await expect(lesson.terminal.locator(".xterm-accessibility-tree")).toHaveCount(0);
});

test("connected, a step passed and a sandbox reset are said through the page's one live region", async ({ page }) => {
  const lesson = new LessonPage(page);
  const announcer = page.getByTestId("announcer");
  await lesson.open(LESSON);
  // One live region in the page's own document (Next.js keeps its route announcer in a shadow root of its own).
  expect(await page.evaluate(() => document.querySelectorAll("[aria-live], [role=status], [role=log]").length)).toBe(1);
  await expect(announcer).toHaveAttribute("aria-live", "polite");
  const said = () => announcer.locator("p").allInnerTexts();
  await expect.poll(said).toEqual(["Connected: your terminal is ready."]);

  await lesson.passStep("write-note", "echo hi > ~/note.txt");
  await expect.poll(said).toEqual(["Connected: your terminal is ready.", "Step passed: Write a note in ~/note.txt."]);

  await page.getByRole("button", { name: "Reset sandbox" }).click();
  await lesson.waitConnected();
  // The last thing said is the fresh sandbox (on a loaded machine a hiccup on the way is said too, before it).
  await expect.poll(async () => (await said()).at(-1)).toBe("Your sandbox was reset: this is a fresh one.");
});

test.describe("on a 360 px wide phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the header's links fold into a menu that opens, navigates and closes", async ({ page }) => {
    await page.goto("/");
    const menu = page.getByRole("button", { name: "Menu" });
    const progress = page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "My progress" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(progress).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await progress.click();
    await expect(page).toHaveURL(/\/progress$/);
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(progress).toBeHidden();
    // Escape closes it too, and gives the focus back to the button.
    await menu.click();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(menu).toBeFocused();
  });

  test("a lesson shows its text or its terminal, with a switch, and a Run button shows the terminal", async ({ page }) => {
    const lesson = new LessonPage(page);
    await page.goto(`/lessons/${LESSON}`);
    const textButton = page.getByRole("button", { name: "Lesson", exact: true });
    const terminalButton = page.getByRole("button", { name: "Terminal", exact: true });
    await expect(textButton).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(lesson.terminal).toBeHidden();

    await terminalButton.click();
    await expect(lesson.terminal).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toBeHidden();
    await lesson.waitConnected();
    await lesson.run("echo small-$((6*7))");
    // The terminal was fitted to the phone's width: a line never runs past the screen.
    const box = await lesson.terminal.locator(".xterm-screen").boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);

    await textButton.click();
    await page.getByRole("button", { name: "▶ Run" }).first().click();
    await expect(lesson.terminal).toBeVisible();
    await expect(terminalButton).toHaveAttribute("aria-pressed", "true");
  });
});

test("the site and the terminal follow the system's colour scheme", async ({ page }) => {
  const lesson = new LessonPage(page);
  const colours = () =>
    page.evaluate(() => ({
      page: getComputedStyle(document.body).backgroundColor,
      // xterm paints its theme's background on the scrolling element around the rows.
      terminal: getComputedStyle(document.querySelector("[data-testid=terminal] .xterm-scrollable-element")!).backgroundColor,
    }));
  await page.emulateMedia({ colorScheme: "dark" });
  await lesson.open(LESSON);
  expect(await colours()).toEqual({ page: "rgb(13, 17, 23)", terminal: "rgb(15, 20, 25)" });
  // Switching while the page is open repaints the terminal too, with no reload.
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(colours).toEqual({ page: "rgb(247, 247, 245)", terminal: "rgb(255, 255, 255)" });
});

test("a lesson's editor follows the system's colour scheme too, switching while the page is open", async ({ page }) => {
  // building-images has editors; Monaco shows before the lesson's sandbox is there, so nothing waits for it.
  const editor = new LessonPage(page).editor("~/flask-app/app.py");
  const background = () => editor.root.locator(".monaco-editor").first().evaluate((el) => getComputedStyle(el).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/lessons/building-images");
  await expect(editor.monaco).toBeAttached({ timeout: 30_000 });
  // Monaco's own themes: vs-dark's background is #1e1e1e, vs's #fffffe.
  await expect.poll(background).toBe("rgb(30, 30, 30)");
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(background).toBe("rgb(255, 255, 254)");
});
