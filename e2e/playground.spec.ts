import { expect, test } from "@playwright/test";
import { LessonPage } from "./lesson-page";

test("on /play, the learner adds a second machine and reaches node1 from node2 by name", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/play");
  const node1 = new LessonPage(page, page.locator('[data-machine="node1"]'));
  await node1.waitConnected();
  await node1.run("hostname");
  await node1.expectLine("node1");

  await page.getByRole("button", { name: "+ Add machine" }).click();
  await expect(page.getByTestId("machine-tab-node2")).toHaveAttribute("aria-selected", "true");
  const node2 = new LessonPage(page, page.locator('[data-machine="node2"]'));
  await node2.waitConnected();
  await node2.run("ping -c1 -W5 node1 >/dev/null && echo reached-$((40+2))");
  await node2.expectLine("reached-42");

  // Back on node1, its terminal kept running while hidden; removing node2 leaves node1 alone.
  await page.getByTestId("machine-tab-node1").click();
  await node1.run("echo still-$((1+1))");
  await node1.expectLine("still-2");
  await page.getByTestId("machine-tab-node2").click();
  await page.getByRole("button", { name: "Remove node2" }).click();
  await expect(page.getByTestId("machine-tab-node2")).toHaveCount(0);
  await expect(page.getByTestId("machine-tab-node1")).toHaveAttribute("aria-selected", "true");
});

test("an example opens in the playground: its files land in node1 and its Run buttons build and run it", async ({ page }) => {
  test.setTimeout(180_000);
  // A hostile name finds no example (it is looked up by name, never used as a path).
  await page.goto("/play?example=../../etc/passwd");
  await expect(page.getByTestId("example-missing")).toContainText("There is no example called “../../etc/passwd”");
  await expect(page.getByTestId("example-panel")).toHaveCount(0);

  await page.goto("/examples");
  await page.locator('[data-example="static-site"]').getByRole("link", { name: "Open in playground" }).click();
  await expect(page).toHaveURL(/\/play\?example=static-site$/);
  const node1 = new LessonPage(page, page.locator('[data-machine="node1"]'));
  await node1.waitConnected();
  await expect(page.getByTestId("example-panel")).toHaveAttribute("data-state", "copied");
  await node1.run("cat ~/static-site/site/index.html | grep -c 'Served by busybox httpd'");
  await node1.expectLine("1");
  const runs = page.getByRole("button", { name: "▶ Run" });
  await runs.nth(0).click(); // cd ~/static-site && docker build -t static-site .
  await node1.run("until docker image inspect static-site >/dev/null 2>&1; do sleep 0.5; done", 120_000);
  await runs.nth(1).click(); // … docker run -d --name static-site -p 8080:8080 static-site
  await node1.run("for i in $(seq 100); do curl -sf -o /dev/null localhost:8080 && break; sleep 0.2; done; curl -s localhost:8080 | grep -o 'Served by [a-z ]*'");
  await node1.expectLine("Served by busybox httpd");
});

test("an example opened in the playground shows its Dockerfile in node1's editor, and what is saved there is what node1's shell reads", async ({ page }) => {
  test.setTimeout(180_000);
  // A playground without an example opens no editor, so Monaco is not even loaded.
  await page.goto("/play");
  const pane = page.locator('[data-machine="node1"]');
  const node1 = new LessonPage(page, pane);
  await node1.waitConnected();
  await expect(page.getByTestId("editor")).toHaveCount(0);
  expect(await page.evaluate(() => "MonacoEnvironment" in self)).toBe(false);

  await page.goto("/examples");
  await page.locator('[data-example="static-site"]').getByRole("link", { name: "Open in playground" }).click();
  await expect(page).toHaveURL(/\/play\?example=static-site$/);
  await node1.waitConnected();
  await expect(page.getByTestId("example-panel")).toHaveAttribute("data-state", "copied");

  // The copied Dockerfile opens by itself in node1's editor, loaded from node1.
  const editor = node1.editor("~/static-site/Dockerfile");
  await editor.expectState("saved");
  await expect(editor.state).toHaveText("Loaded from your sandbox.");
  await expect(editor.lines).toContainText("FROM busybox");
  await expect(editor.monaco).toHaveAttribute("data-mode-id", "dockerfile");
  await expect(pane.getByLabel("File on node1")).toHaveValue("~/static-site/Dockerfile");

  // An edit saved with Ctrl+S is in the file node1's shell reads.
  await editor.typeFirstLine("# edited-in-the-playground");
  await editor.expectState("unsaved");
  await page.keyboard.press("Control+S");
  await editor.expectState("saved");
  await node1.run("cat ~/static-site/Dockerfile | head -n 1; sed -n 3p ~/static-site/Dockerfile");
  await node1.expectLine("# edited-in-the-playground");
  await node1.expectLine("FROM busybox");

  // Opening another file with unsaved text asks first; kept, saved with the button, then the other file opens.
  await editor.typeFirstLine("# saved-with-the-button");
  await editor.expectState("unsaved");
  await pane.getByLabel("File on node1").fill("~/static-site/site/index.html");
  await pane.getByRole("button", { name: "Open file" }).click();
  const ask = pane.locator(".machine-file").getByRole("alert");
  await expect(ask).toContainText("Discard your unsaved changes to ~/static-site/Dockerfile and open ~/static-site/site/index.html?");
  await ask.getByRole("button", { name: "Keep editing" }).click();
  await expect(ask).toHaveCount(0);
  await editor.expectState("unsaved");
  await editor.save();
  await editor.expectState("saved");
  await pane.getByRole("button", { name: "Open file" }).click();
  const indexHtml = node1.editor("~/static-site/site/index.html");
  await indexHtml.expectState("saved");
  await expect(indexHtml.lines).toContainText("Served by busybox httpd");
  await expect(editor.root).toHaveCount(0);
  await node1.run("cat ~/static-site/Dockerfile | head -n 1");
  await node1.expectLine("# saved-with-the-button");
});
