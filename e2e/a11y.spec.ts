/**
 * Pages everyone can use (issue 17): every page of the site (e2e/pages.ts) scanned by axe
 * in light and dark colour schemes with no serious or critical violation, and laid out at
 * 360 px without anything overflowing sideways. The pages are filled as a user sees them:
 * a workshop with three learners at different steps, their lessons connected.
 */
import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import { signUp, uniqueEmail } from "./accounts";
import { DESKTOP, checkEverySchemeAndWidth } from "./layout";
import { LessonPage } from "./lesson-page";
import { PAGES, appRoutes, type Room } from "./pages";

let room: Room;
let instructor: BrowserContext;
/** A learner outside the workshop with one step passed: whose browser visits the learners' pages, so the room's learners stay where the grid test expects them. */
let visitor: BrowserContext;
/** Ada, Grace, Linus: learners without accounts, at steps 3, 2 and 1 of the first lesson. */
let learners: Array<{ name: string; context: BrowserContext; lesson: LessonPage }> = [];

async function join(browser: Browser, code: string, name: string) {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`/join?code=${code}`);
  await page.getByLabel(/^Your name/).fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/lessons\/start-here$/);
  const lesson = new LessonPage(page);
  await lesson.waitConnected();
  return { name, context, lesson };
}

test.beforeAll(async ({ browser }, testInfo) => {
  testInfo.setTimeout(240_000);
  instructor = await browser.newContext({ viewport: DESKTOP });
  const page = await instructor.newPage();
  await signUp(page, uniqueEmail("a11y-teacher"), "instructor");
  await page.goto("/instructor");
  await page.getByLabel("Title").fill("Accessible afternoon");
  await page.getByLabel(/^Capacity/).fill("3");
  await page.getByRole("button", { name: "Create workshop" }).click();
  await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
  room = { workshopId: new URL(page.url()).pathname.split("/").at(-1)!, workshopCode: (await page.getByTestId("join-code").textContent())!.trim() };

  learners = [await join(browser, room.workshopCode, "Ada"), await join(browser, room.workshopCode, "Grace"), await join(browser, room.workshopCode, "Linus")];
  const [ada, grace] = learners;
  await ada!.lesson.passStep("save-hostname", "hostname > ~/hostname.txt");
  await ada!.lesson.passStep("find-pid-1", "ps -p 1 -o args= > ~/pid1.txt");
  await grace!.lesson.passStep("save-hostname", "hostname > ~/hostname.txt");
  await page.close();

  visitor = await browser.newContext({ viewport: DESKTOP });
  const visit = new LessonPage(await visitor.newPage());
  await visit.open("start-here");
  await visit.passStep("save-hostname", "hostname > ~/hostname.txt");
  await visit.page.close();
});

test.afterAll(async () => {
  // Ended, so no sandboxes stay warm for it once the tests are done.
  if (instructor && room) {
    const page = await instructor.newPage();
    await page.goto(`/instructor/workshops/${room.workshopId}`);
    await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "End workshop" }).click();
    await expect(page.getByTestId("dashboard-ended")).toBeVisible();
  }
  for (const learner of learners) await learner.context.close();
  await visitor?.close();
  await instructor?.close();
});

test("every page of app/ is in the list of pages checked", () => {
  const listed = new Set(PAGES.map((p) => p.route));
  const missing = appRoutes().filter((route) => !listed.has(route));
  expect(missing, "add these app/ routes to PAGES in e2e/pages.ts").toEqual([]);
});

for (const visit of PAGES) {
  test(`${visit.name}: no serious axe violations in light and dark, and nothing overflows at 360 px`, async () => {
    test.setTimeout(120_000);
    const context = visit.as === "instructor" ? instructor : visitor;
    const page = await context.newPage();
    try {
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(visit.path(room));
      await expect(page.locator("main")).toHaveCount(1);
      await visit.ready?.(page);
      await checkEverySchemeAndWidth(page);
    } finally {
      await page.close();
    }
  });
}

// A page two browsers make: the list's entry for /play/shared/[id] is a link that opens
// nothing; this is what a guest with a valid read-only link sees. The visitor owns the
// playground (the one "the playground" above opened), so no sandbox is added for it.
test("a read-only guest's view of a shared playground: no serious axe violations in light and dark, and nothing overflows at 360 px", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await visitor.newPage();
  const guestContext = await browser.newContext({ viewport: DESKTOP });
  try {
    await owner.goto("/play");
    await expect(owner.locator('[data-machine="node1"]').getByTestId("terminal")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
    await owner.getByText("Share this playground").click();
    await owner.getByTestId("invite-access").selectOption("read");
    await owner.getByRole("button", { name: "Create invite link" }).click();
    const link = await owner.getByTestId("invite-link").inputValue();
    expect(link).toMatch(/\/play\/shared\/[A-Za-z0-9_-]{22}$/);

    const guest = await guestContext.newPage();
    await guest.emulateMedia({ colorScheme: "light" });
    await guest.goto(link);
    await expect(guest.locator("main")).toHaveCount(1);
    await expect(guest.getByTestId("guest-access").first()).toContainText("read-only");
    await expect(guest.locator('[data-machine="node1"]').getByTestId("terminal")).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
    await checkEverySchemeAndWidth(guest);
  } finally {
    await guestContext.close();
    // Revoked, so the link opens nothing once the test is done.
    if (await owner.getByRole("button", { name: "Revoke" }).count()) {
      await owner.getByRole("button", { name: "Revoke" }).click();
      await expect(owner.getByTestId("invite")).toHaveCount(0);
    }
    await owner.close();
  }
});

// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from this pattern; the test uses the room's contexts instead
test("the dashboard draws the room as a grid, with a bar per step, live; its picture is kept as an artifact", async ({}, testInfo) => {
  const page = await instructor.newPage();
  try {
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`/instructor/workshops/${room.workshopId}`);
    await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
    const grid = page.getByTestId("step-grid");
    const cells = (name: string) => grid.locator(`[data-testid=grid-row][data-learner="${name}"] td`);
    // start-here has three steps; they are the grid's first three columns.
    const firstThree = async (name: string) => (await cells(name).evaluateAll((tds) => tds.map((td) => td.getAttribute("data-state")))).slice(0, 3);
    await expect.poll(() => firstThree("Ada")).toEqual(["passed", "passed", "current"]);
    await expect.poll(() => firstThree("Grace")).toEqual(["passed", "current", "todo"]);
    await expect.poll(() => firstThree("Linus")).toEqual(["current", "todo", "todo"]);
    await expect(grid.getByTestId("count-start-here-save-hostname")).toHaveAttribute("data-passed", "2");
    await expect(grid.getByTestId("count-start-here-find-pid-1")).toHaveAttribute("data-passed", "1");
    // Screen readers get the numbers: the learner and step of each cell, and each bar as a sentence.
    await expect(grid.getByRole("cell", { name: "2 of 3 passed, 1 on it now" })).toHaveCount(1);
    await expect(grid.getByRole("rowheader", { name: "Grace" })).toBeVisible();

    const picture = testInfo.outputPath("dashboard-grid.png");
    await grid.screenshot({ path: picture });
    await testInfo.attach("dashboard grid, three learners at different steps", { path: picture, contentType: "image/png" });

    // Linus passes his first step: his row and the step's bar change without a reload.
    const linus = learners.find((l) => l.name === "Linus")!;
    await linus.lesson.passStep("save-hostname", "hostname > ~/hostname.txt");
    await expect.poll(() => firstThree("Linus")).toEqual(["passed", "current", "todo"]);
    await expect(grid.getByTestId("count-start-here-save-hostname")).toHaveAttribute("data-passed", "3");
    await expect(grid.getByTestId("stuck-step")).toContainText("Save the command of PID 1 in ~/pid1.txt” (2 of 3)");
  } finally {
    await page.close();
  }
});
