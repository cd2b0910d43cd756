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
