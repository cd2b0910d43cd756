import { execFileSync } from "node:child_process";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { findAccountByEmail } from "../lib/data/accounts";
import { createDatabase } from "../shared/db/client";
import { recordStepPassed } from "../shared/db/progress";
import { createWorkshop as createWorkshopRow, endWorkshop, joinWorkshop } from "../shared/db/workshops";
import { loadLessons } from "../shared/lessons/loader";
import { newLearnerId } from "../shared/token";
import { signUp, uniqueEmail } from "./accounts";
import { e2e } from "./environment";
import { DESKTOP, PHONE, overflowing } from "./layout";
import { LessonPage } from "./lesson-page";

const FIRST_LESSON = "start-here";

async function createWorkshop(page: Page, title: string, capacity = 3): Promise<{ id: string; code: string }> {
  await page.goto("/instructor");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel(/^Capacity/).fill(String(capacity));
  await page.getByRole("button", { name: "Create workshop" }).click();
  await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
  const id = new URL(page.url()).pathname.split("/").at(-1)!;
  return { id, code: (await page.getByTestId("join-code").textContent())!.trim() };
}

async function join(browser: Browser, code: string, name: string): Promise<{ page: Page; lesson: LessonPage; learnerId: string }> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/join?code=${code}`);
  await page.getByLabel(/^Your name/).fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(new RegExp(`/lessons/${FIRST_LESSON}$`));
  const lesson = new LessonPage(page);
  await lesson.waitConnected();
  const cookie = (await page.context().cookies()).find((c) => c.name === "dojo_learner")!;
  return { page, lesson, learnerId: cookie.value.split(".")[0]! };
}

function containerNames(): string[] {
  return execFileSync("docker", ["ps", "-a", "--filter", `label=dojo.instance=${e2e.instance}`, "--format", "{{.Names}}"], { encoding: "utf8" }).split("\n").filter(Boolean);
}

test("an instructor runs a workshop for three learners: live progress, shadowing, messages, the end", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signUp(page, uniqueEmail("teacher"), "instructor");
  const workshop = await createWorkshop(page, "Docker in an afternoon");
  await expect(page.getByTestId("join-link")).toContainText(`/join?code=${workshop.code}`);

  const [ada, grace, linus] = [await join(browser, workshop.code, "Ada"), await join(browser, workshop.code, "Grace"), await join(browser, workshop.code, "Linus")];
  const row = (name: string) => page.locator(`[data-testid=learner-row][data-learner="${name}"]`);
  for (const name of ["Ada", "Grace", "Linus"]) await expect(row(name).getByTestId("sandbox-state")).toHaveText("ready");
  await expect(page.getByTestId("seats")).toContainText("3 joined");

  // Ada passes a step: the dashboard shows it without a reload.
  await ada.lesson.passStep("save-hostname", "hostname > ~/hostname.txt");
  await expect(row("Ada").getByTestId("steps-passed")).toHaveText("1");
  await expect(page.getByTestId(`count-${FIRST_LESSON}-save-hostname`)).toContainText("1 of 3");

  // Watching Grace's terminal shows her typing, live.
  await row("Grace").getByRole("button", { name: "Watch" }).click();
  await expect(page.getByTestId("shadow-panel")).toContainText("Watching Grace");
  await grace.lesson.run("echo shadowed-$((6*7))");
  await expect(page.getByTestId("shadow-terminal")).toContainText("shadowed-42");

  // An announcement reaches everyone; a hint only its learner.
  await page.getByLabel("Announcement to everyone").fill("Break until 15:00, then lesson 2.");
  await page.getByRole("button", { name: "Send announcement" }).click();
  for (const learner of [ada, grace, linus]) await expect(learner.page.getByTestId("workshop-announcement")).toContainText("Break until 15:00");
  page.once("dialog", (dialog) => void dialog.accept("Try: hostname > ~/hostname.txt"));
  await row("Linus").getByRole("button", { name: "Hint" }).click();
  await expect(linus.page.getByTestId("workshop-hint")).toContainText("Try: hostname > ~/hostname.txt");
  await expect(ada.page.getByTestId("workshop-hint")).toHaveCount(0);

  // The results export has a row per learner with the steps they passed.
  const csv = await (await page.request.get(`/api/workshops/${workshop.id}/results.csv`)).text();
  expect(csv.split("\r\n")[0]).toContain("learner,joined_at,steps_passed");
  expect(csv).toMatch(/\r\nAda,[^,]+,1,/);
  expect(csv).toMatch(/\r\nLinus,[^,]+,0,/);

  // Ending removes every learner's sandbox, as the Docker engine confirms, and tells them.
  const learners = [ada, grace, linus];
  expect(containerNames().filter((name) => learners.some((l) => name.includes(l.learnerId)))).toHaveLength(3);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "End workshop" }).click();
  await expect(page.getByTestId("dashboard-ended")).toContainText("3 sandboxes were removed");
  for (const learner of learners) await expect(learner.page.getByTestId("workshop-ended")).toContainText("The workshop has ended");
  expect(containerNames().filter((name) => learners.some((l) => name.includes(l.learnerId)))).toEqual([]);
  // The instructor can read what happened to each sandbox.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("sandbox-events").locator("tr", { hasText: "Ada" }).first()).toContainText("removed (workshop ended)", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  for (const learner of learners) await learner.page.context().close();
});

test("nobody but its instructor gets at a workshop's dashboard", async ({ page, browser }) => {
  await signUp(page, uniqueEmail("owner"), "instructor");
  const workshop = await createWorkshop(page, "Private room", 1);

  // A learner who joined (no account) is sent to sign in, and gets no dashboard token.
  const learner = await (await browser.newContext()).newPage();
  await learner.goto(`/instructor/workshops/${workshop.id}`);
  await expect(learner).toHaveURL(/\/account\/sign-in/);
  const askToken = (from: Page) => from.evaluate((id) => fetch(`/api/workshops/${id}/dashboard-token`, { method: "POST" }).then((r) => r.status), workshop.id);
  expect(await askToken(learner)).toBe(401);

  // Another instructor sees a 404, as if the workshop did not exist.
  const other = await (await browser.newContext()).newPage();
  await signUp(other, uniqueEmail("other"), "instructor");
  expect((await other.goto(`/instructor/workshops/${workshop.id}`))?.status()).toBe(404);
  expect(await askToken(other)).toBe(404);
  expect((await other.request.get(`/api/workshops/${workshop.id}/results.csv`)).status()).toBe(404);

  // A learner account is not an instructor.
  const student = await (await browser.newContext()).newPage();
  await signUp(student, uniqueEmail("student"));
  await student.goto("/instructor");
  await expect(student.getByText("Workshops are run by instructors")).toBeVisible();
  for (const p of [learner, other, student]) await p.context().close();

  // Ended, so no sandboxes stay warm for it.
  await page.goto(`/instructor/workshops/${workshop.id}`);
  await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "End workshop" }).click();
  await expect(page.getByTestId("dashboard-ended")).toBeVisible();
});

test("a wrong code or an over-long name is refused in a sentence", async ({ page }) => {
  await page.goto("/join");
  await page.getByLabel("Workshop code").fill("ZZZZZZ");
  await page.getByLabel(/^Your name/).fill("Ada");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("There is no workshop with that code. Check it with your instructor.");
  await page.getByLabel(/^Your name/).fill("N".repeat(41));
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("A display name can be at most 40 characters long.");
});

test("the dashboard's grid holds a room of 100: a row each, bars that count them, scrolling in its own box, nothing overflowing at 360 px", async ({ page }) => {
  test.setTimeout(120_000);
  // A hundred learners joining through the form (and opening sandboxes) would take the run's
  // time and machine: they are seated, and some of their passes recorded, in the platform's
  // database (playwright.config.ts gives the browser tests one of their own) by the
  // repository functions the web uses.
  const db = createDatabase(process.env.DATABASE_URL!);
  let workshopId: string | undefined;
  try {
    const email = uniqueEmail("teacher-of-100");
    await signUp(page, email, "instructor");
    const owner = await findAccountByEmail(db, email);
    expect(owner).not.toBeNull();
    // It opens tomorrow: while a workshop is open or about to open (WORKSHOP_PREWARM_LEAD_SECONDS)
    // the pool keeps a warm sandbox per seat nobody has come to yet, a hundred here. Its
    // seats are taken as at its opening; the dashboard shows a workshop before it opens.
    const opensAt = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const lessons = (await loadLessons()).map((lesson) => lesson.meta.slug);
    expect(lessons[0]).toBe(FIRST_LESSON);
    const workshop = await createWorkshopRow(db, { ownerId: owner!.id, title: "A room of a hundred", lessons, capacity: 100, opensAt, closesAt: new Date(opensAt.getTime() + 3 * 60 * 60 * 1000) });
    workshopId = workshop.id;
    // Learners 1-25 passed the first two steps of the first lesson (on its third now), 26-60
    // the first (on the second: where the room is stuck), 61-100 have not started.
    for (let i = 1; i <= 100; i++) {
      const learnerId = newLearnerId();
      const at = new Date(opensAt.getTime() + i * 1000);
      const joined = await joinWorkshop(db, { code: workshop.code, learnerId, displayName: `Learner ${String(i).padStart(3, "0")}` }, at);
      expect(joined.ok, `seat ${i}`).toBe(true);
      if (i <= 60) await recordStepPassed(db, learnerId, FIRST_LESSON, "save-hostname", at);
      if (i <= 25) await recordStepPassed(db, learnerId, FIRST_LESSON, "find-pid-1", at);
    }

    await page.setViewportSize(DESKTOP);
    await page.goto(`/instructor/workshops/${workshop.id}`);
    await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
    await expect(page.getByTestId("seats")).toContainText("100 joined");
    await expect(page.getByTestId("learner-row")).toHaveCount(100);

    // A row per learner, in the order they joined.
    const grid = page.getByTestId("step-grid");
    const rows = grid.locator("tbody").getByRole("row");
    await expect(rows).toHaveCount(100);
    await expect(rows.first().getByRole("rowheader")).toHaveText("Learner 001");
    await expect(rows.last().getByRole("rowheader")).toHaveText("Learner 100");
    const firstThree = async (name: string) =>
      (await grid.locator(`[data-testid=grid-row][data-learner="${name}"] td`).evaluateAll((tds) => tds.map((td) => td.getAttribute("data-state")))).slice(0, 3);
    expect(await firstThree("Learner 010")).toEqual(["passed", "passed", "current"]);
    expect(await firstThree("Learner 030")).toEqual(["passed", "current", "todo"]);
    expect(await firstThree("Learner 100")).toEqual(["todo", "todo", "todo"]);

    // Each step's bar counts the room, in a sentence for screen readers; the crowded step stands out.
    await expect(grid.getByTestId(`count-${FIRST_LESSON}-save-hostname`)).toHaveAccessibleName("60 of 100 passed");
    await expect(grid.getByTestId(`count-${FIRST_LESSON}-find-pid-1`)).toHaveAccessibleName("25 of 100 passed, 35 on it now");
    await expect(grid.getByTestId(`count-${FIRST_LESSON}-write-note`)).toHaveAccessibleName("0 of 100 passed, 25 on it now");
    await expect(grid.getByTestId("stuck-step")).toContainText("(35 of 100)");
    await expect(grid.getByTestId(`count-${FIRST_LESSON}-find-pid-1`)).toHaveClass(/stuck/);

    // The grid scrolls within its own box (of at most 70 % of the window's height): from the
    // keyboard, down to the last learner, with the bars staying in sight above the rows.
    const box = grid.getByRole("region", { name: /Steps passed by each learner/ });
    const geometry = () =>
      box.evaluate((el) => {
        const rect = el.getBoundingClientRect();
        const rows = el.querySelectorAll("tbody tr");
        return {
          scrollHeight: el.scrollHeight,
          clientHeight: el.clientHeight,
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
          scrollTop: el.scrollTop,
          right: rect.right,
          // Where the header (with the bars) and the last row sit, from the box's top.
          headerTop: el.querySelector("thead")!.getBoundingClientRect().top - rect.top,
          lastRowBottom: rows[rows.length - 1]!.getBoundingClientRect().bottom - rect.top,
        };
      });
    const before = await geometry();
    expect(before.scrollHeight, "the rows are taller than the box").toBeGreaterThan(before.clientHeight);
    expect(before.clientHeight, "the box is at most 70 % of the window high").toBeLessThanOrEqual(DESKTOP.height * 0.7 + 1);
    await box.focus();
    const windowScrolled = await page.evaluate(() => window.scrollY);
    await page.keyboard.press("End");
    await expect.poll(async () => (await geometry()).lastRowBottom, { message: "the last learner's row scrolled into the box" }).toBeLessThanOrEqual(before.clientHeight + 2);
    const after = await geometry();
    expect(after.scrollTop).toBeGreaterThan(0);
    expect(Math.abs(after.headerTop), "the header with the bars stays at the top of the box").toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => window.scrollY), "the page itself did not scroll").toBe(windowScrolled);

    // On a phone: nothing makes the page scroll sideways; the steps scroll sideways within the box.
    await page.setViewportSize(PHONE);
    await expect.poll(() => overflowing(page), { message: "elements wider than 360 px" }).toEqual([]);
    const phone = await geometry();
    expect(phone.scrollWidth, "the steps are wider than the box").toBeGreaterThan(phone.clientWidth);
    expect(phone.right).toBeLessThanOrEqual(PHONE.width);
  } finally {
    // Ended, so a run tomorrow against the same database does not warm sandboxes for it.
    if (workshopId) await endWorkshop(db, workshopId);
    await db.$disconnect();
  }
});
