/** Page object for a lesson page and its terminal. */
import { expect, type Locator, type Page } from "@playwright/test";

export class LessonPage {
  readonly terminal: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.terminal = page.getByTestId("terminal");
    this.rows = this.terminal.locator(".xterm-rows");
  }

  async open(slug: string): Promise<void> {
    await this.page.goto(`/lessons/${slug}`);
    await this.waitConnected();
  }

  async waitConnected(): Promise<void> {
    await expect(this.terminal).toHaveAttribute("data-status", "connected", { timeout: 45_000 });
    // The prompt ends with "# " once bash is ready for input.
    await expect(this.rows).toContainText("# ");
  }

  /** Types a line into the terminal the way a learner does. */
  async type(line: string): Promise<void> {
    await this.terminal.locator(".xterm-helper-textarea").focus();
    await this.page.keyboard.type(line);
    await this.page.keyboard.press("Enter");
  }

  /** Runs a command and waits for a marker printed after it, returning the screen text. */
  async run(command: string): Promise<string> {
    const marker = `done-${Math.random().toString(36).slice(2, 8)}`;
    await this.type(`${command}; echo ${marker.slice(0, 4)}""${marker.slice(4)}`);
    await expect(this.rows).toContainText(marker);
    return this.screen();
  }

  /** The terminal's visible lines, trailing blanks trimmed. */
  async lines(): Promise<string[]> {
    const rows = await this.rows.locator(":scope > div").allInnerTexts();
    return rows.map((row) => row.replace(/\u00a0/g, " ").trimEnd());
  }

  async screen(): Promise<string> {
    return (await this.lines()).join("\n");
  }

  /** Waits until some line of the terminal is exactly `line`. */
  async expectLine(line: string): Promise<void> {
    await expect.poll(() => this.lines()).toContain(line);
  }

  /** Does a step the learner's way (a command in the terminal), checks it, and waits until it shows as passed. */
  async passStep(step: string, command: string): Promise<void> {
    await this.run(command);
    const check = this.page.getByTestId(`check-${step}`);
    await check.getByRole("button", { name: "Check" }).click();
    await expect(check).toHaveAttribute("data-passed", "true");
  }
}
