import { expect, test } from "@playwright/test";
import { PASSWORD, signIn, signOut, signUp, uniqueEmail } from "./accounts";
import { LessonPage } from "./lesson-page";

const LESSON = "start-here";

test("progress made without an account is kept by signing up, leaves on sign-out, and returns on sign-in", async ({ page }) => {
  test.setTimeout(120_000);
  const lesson = new LessonPage(page);
  await lesson.open(LESSON);
  await lesson.passStep("save-hostname", "hostname > ~/hostname.txt");

  const email = uniqueEmail("ada");
  await signUp(page, email);
  await page.goto("/progress");
  await expect(page.getByTestId("progress-page")).toContainText("1 of");

  await signOut(page);
  await page.goto("/progress");
  await expect(page.getByTestId("progress-page")).toContainText("0 of");

  await signIn(page, email);
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
  await page.goto(`/lessons/${LESSON}`);
  await expect(page.getByTestId("check-save-hostname")).toHaveAttribute("data-passed", "true");
});

test("signing in on a second browser adds that browser's anonymous progress to the account", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("grace");
  await signUp(page, email);

  const other = await (await browser.newContext()).newPage();
  const lesson = new LessonPage(other);
  await lesson.open(LESSON);
  await lesson.passStep("find-pid-1", "ps -p 1 -o args= > ~/pid1.txt");
  await signIn(other, email);
  await expect(other.getByTestId("signed-in-as")).toContainText(email);

  // The first browser, signed in to the same account, now sees the step done elsewhere.
  await page.goto(`/lessons/${LESSON}`);
  await expect(page.getByTestId("check-find-pid-1")).toHaveAttribute("data-passed", "true");
  await other.context().close();
});

test("a display name is saved, and an over-long one is refused in a sentence without losing the old one", async ({ page }) => {
  await page.goto("/account");
  await expect(page.getByTestId("anonymous")).toBeVisible();
  await page.getByTestId("display-name").fill("Ada L.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-saved")).toHaveText("Display name saved.");

  await page.getByTestId("display-name").fill("A".repeat(41));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("A display name can be at most 40 characters long.");
  await page.goto("/account");
  await expect(page.getByTestId("display-name")).toHaveValue("Ada L.");
});

test("wrong passwords get one sentence, and after five the account is locked for a while, even for the right one", async ({ page }) => {
  const email = uniqueEmail("linus");
  await signUp(page, email);
  await signOut(page);
  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn(page, email, "not the password");
    await expect(page.getByTestId("form-error")).toHaveText("The email or the password is wrong.");
  }
  await signIn(page, email, PASSWORD);
  await expect(page.getByTestId("form-error")).toContainText("Too many failed sign-ins");
  await page.goto("/account");
  await expect(page.getByTestId("anonymous")).toBeVisible();
});

test("a form posted from another website is refused and signs nobody up", async ({ page, baseURL }) => {
  const email = uniqueEmail("mallory");
  const response = await page.request.post(`${baseURL}/api/account/sign-up`, {
    headers: { origin: "http://evil.example" },
    form: { email, password: PASSWORD, role: "instructor" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).error).toBe("This form was sent from another website, so it was ignored.");
  expect(response.headers()["set-cookie"]).toBeUndefined();

  // The same address signs up fine from the site's own form, so the refusal was the origin's doing.
  await signUp(page, email);
});

test("session cookies are HTTP-only and SameSite", async ({ page, context }) => {
  await signUp(page, uniqueEmail("cookie"));
  const session = (await context.cookies()).find((cookie) => cookie.name === "dojo_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});
