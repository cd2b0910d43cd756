import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { LessonPage } from "./lesson-page";

const APP = "~/flask-app/app.py";

/** Every address the browser contacts (pages, workers, WebSockets), to prove nothing leaves this machine. */
function recordHosts(context: BrowserContext, page: Page): Set<string> {
  const hosts = new Set<string>();
  const add = (url: string) => {
    const parsed = new URL(url);
    if (parsed.protocol === "data:") return;
    // blob: URLs carry their origin inside.
    hosts.add(parsed.protocol === "blob:" ? new URL(parsed.pathname).hostname : parsed.hostname);
  };
  context.on("request", (request) => add(request.url()));
  page.on("websocket", (socket) => add(socket.url()));
  page.on("worker", (worker) => add(worker.url()));
  return hosts;
}

test("the editor loads a file from the sandbox, saves edits into it, and reloads changes made in the terminal", async ({ page, context }) => {
  test.setTimeout(150_000);
  const hosts = recordHosts(context, page);
  const consoleProblems: string[] = [];
  page.on("console", (message) => {
    if (/worker|monaco/i.test(message.text()) && message.type() !== "log") consoleProblems.push(message.text());
  });

  const lesson = new LessonPage(page);
  // A lesson without an editor does not load Monaco at all.
  await lesson.open("start-here");
  expect(await page.evaluate(() => "MonacoEnvironment" in self)).toBe(false);

  await lesson.open("building-images");
  const editor = lesson.editor(APP);
  await expect.poll(() => page.evaluate(() => "MonacoEnvironment" in self)).toBe(true);

  // Before the learner copies the example, the file is not there yet: the editor says so.
  await editor.expectState("missing");
  await expect(editor.state).toHaveText("This file does not exist in your sandbox yet: type here and save to create it.");
  await lesson.run("cp -r /usr/share/dojo/examples/flask-app ~ && cd ~/flask-app");
  await editor.reload();
  await editor.expectState("saved");
  await expect(editor.state).toHaveText("Loaded from your sandbox.");
  await expect(editor.lines).toContainText("app = Flask(__name__)");
  // Python, by the file name: Monaco's own model says so, and it colours the keywords.
  await expect(editor.monaco).toHaveAttribute("data-mode-id", "python");
  const keyword = editor.root.locator(".view-line span[class^='mtk']", { hasText: /^import$/ }).first();
  await expect(keyword).toBeVisible();
  await expect(keyword).not.toHaveClass("mtk1");

  // Type a line, save with Ctrl+S, and see it in the terminal.
  await editor.typeFirstLine("# edited-in-the-editor");
  await editor.expectState("unsaved");
  await page.keyboard.press("Control+S");
  await editor.expectState("saved");
  await expect(editor.state).toContainText("Saved in your sandbox at");
  await lesson.run("head -n 1 ~/flask-app/app.py; sed -n 2p ~/flask-app/app.py | cut -c 1-17");
  await lesson.expectLine("# edited-in-the-editor");
  await lesson.expectLine('"""A tiny web app');

  // Change the file in the terminal, then Reload: the editor shows it.
  await lesson.run("echo '# appended-in-the-terminal' >> ~/flask-app/app.py");
  await editor.reload();
  await editor.expectState("saved");
  await editor.revealEnd();
  await expect(editor.lines).toContainText("# appended-in-the-terminal");

  // A page reload loads the file again by itself, once the sandbox is connected.
  await page.reload();
  await lesson.waitConnected();
  await editor.expectState("saved");
  await expect(editor.lines).toContainText("# edited-in-the-editor");
  await editor.revealEnd();
  await expect(editor.lines).toContainText("# appended-in-the-terminal");

  // Monaco came from the web app, workers included, and nothing went anywhere else.
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  expect(consoleProblems).toEqual([]);
  expect([...hosts].filter((host) => host !== "localhost" && host !== "127.0.0.1")).toEqual([]);
  expect([...hosts]).toContain("localhost");
});

test("a file changed in the terminal since it was loaded is not overwritten by surprise; a reset reloads the editor", async ({ page }) => {
  test.setTimeout(150_000);
  const lesson = new LessonPage(page);
  await lesson.open("building-images");
  const editor = lesson.editor(APP);
  await editor.expectState("missing");
  await lesson.run("mkdir -p ~/flask-app && echo 'print(\"from the terminal\")' > ~/flask-app/app.py");
  await editor.reload();
  await expect(editor.lines).toContainText('print("from the terminal")');

  // Changed in the terminal after the editor loaded it, then edited in the editor too.
  await lesson.run("echo '# terminal-change' >> ~/flask-app/app.py");
  await editor.typeFirstLine("# editor-change");
  await editor.save();
  await editor.expectState("conflict");
  await expect(editor.state).toHaveText(
    "~/flask-app/app.py changed in your sandbox since you opened it (in the terminal or another tab). Reload to see that version, or overwrite it with yours.",
  );
  await lesson.run("cat ~/flask-app/app.py");
  await lesson.expectLine("# terminal-change");
  // The learner chooses: keep theirs.
  await editor.root.getByRole("button", { name: "Overwrite with mine" }).click();
  await editor.expectState("saved");
  await lesson.run("head -n 1 ~/flask-app/app.py");
  await lesson.expectLine("# editor-change");

  // Reload with unsaved changes asks first.
  await editor.typeFirstLine("# not saved");
  await editor.reload();
  await expect(editor.root.getByRole("alert")).toContainText("Discard your unsaved changes");
  await editor.root.getByRole("button", { name: "Discard and reload" }).click();
  await editor.expectState("saved");
  expect(await editor.text()).not.toContain("# not saved");

  // A reset gives a fresh sandbox without the file: the editor follows.
  await page.getByRole("button", { name: "Reset sandbox" }).click();
  await lesson.waitConnected();
  await editor.expectState("missing");
  expect((await editor.text()).trim()).toBe("");
});
