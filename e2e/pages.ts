/**
 * Every page of the site, as data, for the accessibility and narrow-screen checks
 * (a11y.spec.ts). A new route under app/ must be added here: the spec's first test fails
 * while an app/ page has no entry, so no page escapes the axe scan or the 360 px check.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

/** What the spec has set up before it visits pages: who is signed in where, and a workshop with learners. */
export interface Room {
  /** The workshop the instructor runs, with learners at different steps. */
  workshopId: string;
  workshopCode: string;
}

export interface PageVisit {
  /** Names the test. */
  name: string;
  /** The app/ route this visit covers: the folder path of its page.tsx ("/lessons/[slug]"), or "not-found". */
  route: string;
  /** Where to go. */
  path: (room: Room) => string;
  /** Whose browser: a learner without an account who has passed a step (so progress shows), or the workshop's instructor. */
  as: "learner" | "instructor";
  /** Waits until the page shows what a user came for (a connected terminal, a live dashboard). */
  ready?: (page: Page) => Promise<void>;
}

const terminalConnected = async (page: Page) => {
  await expect(page.getByTestId("terminal")).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
};

export const PAGES: PageVisit[] = [
  { name: "the catalog", route: "/", path: () => "/", as: "learner" },
  { name: "a shell lesson", route: "/lessons/[slug]", path: () => "/lessons/start-here", as: "learner", ready: terminalConnected },
  { name: "a docker lesson", route: "/lessons/[slug]", path: () => "/lessons/meet-docker", as: "learner", ready: terminalConnected },
  {
    name: "a lesson with several machines",
    route: "/lessons/[slug]",
    path: () => "/lessons/registries",
    as: "learner",
    ready: async (page) => {
      await expect(page.locator('.machine-pane[data-machine="node1"]').getByTestId("terminal")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
    },
  },
  { name: "my progress", route: "/progress", path: () => "/progress", as: "learner" },
  { name: "the account page", route: "/account", path: () => "/account", as: "learner" },
  { name: "signing in", route: "/account/sign-in", path: () => "/account/sign-in", as: "learner" },
  { name: "signing up", route: "/account/sign-up", path: () => "/account/sign-up", as: "learner" },
  { name: "joining a workshop", route: "/join", path: (room) => `/join?code=${room.workshopCode}`, as: "learner" },
  { name: "an instructor's workshops", route: "/instructor", path: () => "/instructor", as: "instructor" },
  {
    name: "a workshop dashboard with learners",
    route: "/instructor/workshops/[id]",
    path: (room) => `/instructor/workshops/${room.workshopId}`,
    as: "instructor",
    ready: async (page) => {
      await expect(page.getByTestId("dashboard")).toHaveAttribute("data-live", "true");
      await expect(page.getByTestId("learner-row")).toHaveCount(3);
    },
  },
  {
    name: "the playground",
    route: "/play",
    path: () => "/play",
    as: "learner",
    ready: async (page) => {
      await expect(page.locator('[data-machine="node1"]').getByTestId("terminal")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
    },
  },
  // The guest's view of a valid link takes two browsers (the owner's makes the link): a test of its own in a11y.spec.ts.
  {
    name: "a shared playground's link that opens nothing",
    route: "/play/shared/[id]",
    path: () => "/play/shared/AAAAAAAAAAAAAAAAAAAAAA",
    as: "learner",
    ready: async (page) => {
      await expect(page.getByTestId("invite-refused")).toBeVisible();
    },
  },
  { name: "the examples", route: "/examples", path: () => "/examples", as: "learner" },
  { name: "a page that does not exist", route: "not-found", path: () => "/no-such-page", as: "learner" },
];

/** The routes app/ has: each page.tsx as its folder path (route groups dropped), and "not-found" for not-found.tsx. */
export function appRoutes(appDir = path.join(process.cwd(), "app")): string[] {
  const routes: string[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name === "api" && route === "") continue; // route handlers, not pages
        const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
        walk(path.join(dir, entry.name), route + segment);
      } else if (/^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) {
        routes.push(route || "/");
      } else if (/^not-found\.(tsx|ts|jsx|js)$/.test(entry.name) && route === "") {
        routes.push("not-found");
      }
    }
  };
  walk(appDir, "");
  return routes.sort();
}
