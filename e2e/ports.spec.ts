import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2e } from "./environment";
import { LessonPage } from "./lesson-page";

// A learner's app that attacks whoever opens it: sets the platform's cookies (for its own
// host and for parent domains), clears site data, and echoes the request headers it gets
// at /headers (sandbox-service/test/support/hostile-app.py).
const HOSTILE_APP = readFileSync(path.join(import.meta.dirname, "..", "sandbox-service", "test", "support", "hostile-app.py")).toString("base64");

test("a port link opens the learner's app on an origin of its own, with no way back to the lesson page or its cookies", async ({ page, context }) => {
  // A platform whose session cookie also covers the port addresses' parent domain (an
  // operator's choice of domains): the browser sends it to the app's origin, the proxy must not.
  await context.addCookies([{ name: "dojo_session", value: "instructor-session-secret", domain: ".ports.localhost", path: "/", httpOnly: true, sameSite: "Lax" }]);

  const lesson = new LessonPage(page);
  await lesson.open("start-here");
  const learnerCookie = (await context.cookies(page.url())).find((cookie) => cookie.name === "dojo_learner");
  expect(learnerCookie?.value).toBeTruthy();

  // The learner writes the app into their sandbox and starts it (pasted in one go, as a learner's clipboard would).
  await lesson.terminal.locator(".xterm-helper-textarea").focus();
  await page.keyboard.insertText(`echo ${HOSTILE_APP} | base64 -d > /tmp/app.py && (python3 /tmp/app.py 8000 >/tmp/app.log 2>&1 &)`);
  await page.keyboard.press("Enter");
  await lesson.run("for i in $(seq 1 100); do curl -s -o /dev/null localhost:8000/headers && break; sleep 0.1; done");

  const [app] = await Promise.all([context.waitForEvent("page"), page.getByRole("button", { name: /Open port 8000/ }).click()]);
  await app.waitForURL(/ports\.localhost/);
  await expect(app.locator("h1")).toHaveText("hostile app");

  // Its own origin, per sandbox and port; the one-use grant is gone from the address.
  expect(app.url()).toMatch(new RegExp(`^http://[0-9a-f]{12}-8000\\.ports\\.localhost:${e2e.sandboxPort}/$`));
  // No window.opener: the app cannot script or navigate the lesson page.
  expect(await app.evaluate(() => window.opener === null)).toBe(true);

  // The app's scripts see only the app's own cookie, none of the platform's nor the proxy's (HTTP-only, host-only).
  const visible = await app.evaluate(() => document.cookie);
  expect(visible).toContain("app_cookie=fine");
  expect(visible).not.toContain("dojo_");
  // The app's server got no cookie either, though the browser sent the proxy's, the app's and the parent domain's.
  const seen = await app.evaluate(async () => (await (await fetch("/headers")).json()) as { headers: Record<string, string> });
  expect(seen.headers.cookie).toBeUndefined();

  // The app's attempts to set or clear the platform's cookies reached nothing.
  const cookies = await context.cookies();
  expect(cookies.filter((cookie) => cookie.value === "evil")).toEqual([]);
  expect(cookies.find((cookie) => cookie.name === "dojo_learner")?.value).toBe(learnerCookie!.value);
  expect(cookies.find((cookie) => cookie.name === "dojo_session")?.value).toBe("instructor-session-secret");
  const access = cookies.find((cookie) => cookie.name === "dojo_port");
  expect(access?.domain).toBe(new URL(app.url()).hostname);
  expect(access?.httpOnly).toBe(true);

  // The lesson page is untouched and still works.
  await app.close();
  await lesson.type("echo still-$((20+22))");
  await lesson.expectLine("still-42");
});
