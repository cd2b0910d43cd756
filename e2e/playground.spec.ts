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
