/** Page objects for a lesson page: its terminal, and its editors. */
import { expect, type Locator, type Page } from "@playwright/test";

export class LessonPage {
  readonly terminal: Locator;
  readonly rows: Locator;

  /** `within`: where the terminal is (a playground machine's pane); the whole page by default. */
  constructor(
    readonly page: Page,
    within: Page | Locator = page,
  ) {
    this.terminal = within.getByTestId("terminal");
    this.rows = this.terminal.locator(".xterm-rows");
  }

  editor(file: string): EditorPane {
    return new EditorPane(this.page, file);
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

  /**
   * Runs a command and waits for a marker printed after it, returning the screen text.
   * `timeoutMs` for commands that are slow by nature (a docker build pulls and unpacks images).
   */
  async run(command: string, timeoutMs?: number): Promise<string> {
    const marker = `done-${Math.random().toString(36).slice(2, 8)}`;
    await this.type(`${command}; echo ${marker.slice(0, 4)}""${marker.slice(4)}`);
    await expect(this.rows).toContainText(marker, timeoutMs ? { timeout: timeoutMs } : undefined);
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

/** Page object for one <Editor file="…"> of a lesson page (Monaco). */
export class EditorPane {
  readonly root: Locator;
  readonly state: Locator;
  /** The element Monaco was created in: Monaco sets its `data-mode-id` to the language of the model shown. */
  readonly monaco: Locator;
  /** The rendered lines: Monaco renders only what is in view (see revealEnd), in no particular DOM order. */
  readonly lines: Locator;

  constructor(
    readonly page: Page,
    file: string,
  ) {
    this.root = page.locator(`[data-testid="editor"][data-file="${file}"]`);
    this.state = this.root.getByTestId("editor-state");
    this.monaco = this.root.locator("[data-mode-id]");
    this.lines = this.root.locator(".view-lines");
  }

  async expectState(state: string): Promise<void> {
    await expect(this.root).toHaveAttribute("data-state", state);
  }

  /** The text Monaco shows, with its non-breaking spaces made plain. */
  async text(): Promise<string> {
    return (await this.lines.innerText()).replace(/\u00a0/g, " ");
  }

  async reload(): Promise<void> {
    await this.root.getByRole("button", { name: /^(Re)?load$/ }).click();
  }

  async save(): Promise<void> {
    await this.root.getByRole("button", { name: "Save" }).click();
  }

  /** Scrolls to the end of the file, so its last lines are rendered. */
  async revealEnd(): Promise<void> {
    await this.lines.click();
    await this.page.keyboard.press("Control+End");
  }

  /** Types a new first line the way a learner does (no Enter after it, which could accept a suggestion). */
  async typeFirstLine(text: string): Promise<void> {
    await this.lines.click();
    await this.page.keyboard.press("Control+Home");
    await this.page.keyboard.press("Enter");
    await this.page.keyboard.press("ArrowUp");
    await this.page.keyboard.type(text);
    await this.page.keyboard.press("Escape");
  }
}
