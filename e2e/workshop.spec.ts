import { execFileSync } from "node:child_process";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./accounts";
import { e2e } from "./environment";
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
