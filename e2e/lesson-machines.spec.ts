import { expect, test } from "@playwright/test";
import { LessonPage } from "./lesson-page";

test("a lesson with two machines shows a terminal per machine, and node2's check passes once node2 pulled from node1's registry", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/lessons/registries");
  await expect(page.getByTestId("machine-tab-node1")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("machine-tab-node2")).toHaveAttribute("aria-selected", "false");
  const node1 = new LessonPage(page, page.locator('.machine-pane[data-machine="node1"]'));
  const node2 = new LessonPage(page, page.locator('.machine-pane[data-machine="node2"]'));
  await node1.waitConnected();
  await node1.run("hostname");
  await node1.expectLine("node1");

  // On node1: a registry holding my-busybox:v2 (the lesson's earlier steps, typed).
  await node1.run(
    "docker run -d --name registry -p 5000:5000 registry:2 >/dev/null && timeout 60 sh -c 'until curl -sf localhost:5000/v2/ >/dev/null; do sleep 0.2; done'" +
      " && docker pull -q busybox >/dev/null && docker tag busybox localhost:5000/my-busybox:v2 && docker push localhost:5000/my-busybox:v2 >/dev/null && echo pushed-$((40+2))",
    120_000,
  );
  await node1.expectLine("pushed-42");

  // The check looks at node2, which has nothing yet.
  const check = page.getByTestId("check-pull-on-node2");
  await expect(check).toContainText("on node2");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toContainText("node2's engine has no node1:5000/my-busybox:v2 yet");
  await expect(check).toHaveAttribute("data-passed", "false");

  // node2's Run button types into node2's terminal and brings its tab to the front.
  await page.locator(".run", { hasText: "docker pull node1:5000/my-busybox:v2" }).getByRole("button", { name: "▶ Run" }).click();
  await expect(page.getByTestId("machine-tab-node2")).toHaveAttribute("aria-selected", "true");
  await node2.waitConnected();
  await node2.run("until docker image inspect node1:5000/my-busybox:v2 >/dev/null 2>&1; do sleep 0.5; done; hostname", 120_000);
  await node2.expectLine("node2");

  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toHaveAttribute("data-passed", "true");
  // node1's terminal kept its shell while hidden.
  await page.getByTestId("machine-tab-node1").click();
  await node1.run("echo still-$((1+1))");
  await node1.expectLine("still-2");
});
