import { expect, test } from "@playwright/test";
import { LessonPage } from "./lesson-page";

test("in a docker sandbox, the learner builds the Flask example and opens it in the browser", async ({ page, context }) => {
  test.setTimeout(240_000);
  const lesson = new LessonPage(page);
  await lesson.open("building-images");
  // A multi-line Run block (the heredoc that writes the first Dockerfile) reaches the shell intact.
  const runButtons = page.getByRole("button", { name: "▶ Run" });
  await runButtons.nth(0).click(); // mkdir -p ~/hello-image && cd ~/hello-image && echo … > hello.txt
  await runButtons.nth(1).click(); // cat > Dockerfile <<'EOF' … EOF
  await lesson.run("wc -l < ~/hello-image/Dockerfile && sed -n 3p ~/hello-image/Dockerfile");
  await lesson.expectLine("4");
  await lesson.expectLine('RUN echo "built on $(date)" > /greetings/built.txt');
  await lesson.run("docker pull -q busybox && docker run --rm busybox echo nested-$((2*21))");
  await lesson.expectLine("nested-42");
  // Pulls python:3 (~280 MB unpacked) from the platform registry: tens of seconds on a busy machine.
  await lesson.run("cp -r /usr/share/dojo/examples/flask-app ~ && cd ~/flask-app && docker build -q -t docker:example_01 . >/dev/null", 120_000);
  await lesson.run("docker run -d --name web -p 5000:5000 docker:example_01 >/dev/null && sleep 2");

  const opened = context.waitForEvent("page");
  await page.getByRole("button", { name: /Open the app on port 5000/ }).click();
  const app = await opened;
  await expect(app.locator("body")).toContainText(/Hello from a container! I am [0-9a-f]{12}\./, { timeout: 20_000 });

  // Another learner (another browser context) cannot open the same address.
  const stranger = await (await page.context().browser()!.newContext()).newPage();
  const response = await stranger.goto(app.url());
  expect(response?.status()).toBe(403);
  await expect(stranger.locator("body")).toContainText("Open it with the link on your lesson page");
});
