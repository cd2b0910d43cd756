/**
 * The checks of "pages everyone can use" (issue 17), for any spec: axe's serious and
 * critical findings, what makes a page scroll sideways, and both of them on one page in
 * light and dark at 1280 and 360 px (a11y.spec.ts runs them on every page; other specs on
 * pages that take more setting up, such as a dashboard with a room of 100).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** axe's serious and critical findings, one readable line each (rule, what it wants, where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("")}`).join(" | ")}`);
}

/**
 * Elements that make the page scroll sideways (empty when nothing does): those reaching past
 * the window's right edge, except inside a box that scrolls or clips on its own.
 */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    // Clipped by a box that scrolls on its own; an absolutely positioned element only by one at or above its containing block.
    const clipped = (el: Element) => {
      const position = getComputedStyle(el).position;
      if (position === "fixed") return false;
      const start = position === "absolute" ? (el as HTMLElement).offsetParent : el.parentElement;
      for (let up = start; up && up !== document.body; up = up.parentElement) if (getComputedStyle(up).overflowX !== "visible") return true;
      return false;
    };
    const culprits = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
    return culprits.length ? culprits : [`the page is ${document.documentElement.scrollWidth} px wide`];
  });
}

/**
 * A page already showing what its user came for, checked as every page is: no serious axe
 * violation in light and dark at 1280 px, nothing overflowing at 360 px, and no violation
 * there either, in dark and light. Soft assertions: one run reports every finding. Leaves the
 * page at 360 px in the light scheme.
 */
export async function checkEverySchemeAndWidth(page: Page): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
  expect.soft(await seriousViolations(page), "light, 1280 px").toEqual([]);

  await page.emulateMedia({ colorScheme: "dark" });
  expect.soft(await seriousViolations(page), "dark, 1280 px").toEqual([]);

  await page.setViewportSize(PHONE);
  await expect.soft.poll(() => overflowing(page), { message: "elements wider than 360 px" }).toEqual([]);
  expect.soft(await seriousViolations(page), "dark, 360 px").toEqual([]);
  await page.emulateMedia({ colorScheme: "light" });
  expect.soft(await seriousViolations(page), "light, 360 px").toEqual([]);
}
