/**
 * Limits on what one client may ask for, against the real site: a hostile client floods
 * and guesses (making up X-Forwarded-For addresses as it goes, which the platform, with no
 * proxy configured, ignores), and gets a sentence on the page, not a dropped request; no
 * other site can frame the platform's pages.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createAccount } from "../lib/data/accounts";
import type { AttemptKind } from "../lib/data/attempts";
import { createDatabase } from "../shared/db/client";
import { createWorkshop } from "../shared/db/workshops";
import { newLearnerId } from "../shared/token";
import { LessonPage } from "./lesson-page";

const LESSON = "start-here";
/** The platform's database (playwright.config.ts gives the browser tests one of their own). */
const db = createDatabase(process.env.DATABASE_URL!);

/** Forgets what this file's floods counted, so the tests after it start with a clean slate. */
async function forget(kind: AttemptKind): Promise<void> {
  await db.attempt.deleteMany({ where: { kind } });
}

/** A made-up address per request, as a client dodging per-address limits would send. */
const spoofed = (i: number) => ({ "x-forwarded-for": `203.0.113.${i % 250}, 198.51.100.${i % 250}` });

test.afterAll(async () => {
  await db.$disconnect();
});

test("no other site can frame the platform's pages, API answers and errors included; its own pages can", async ({ page, request, baseURL }) => {
  const answers = [
    await request.get("/"),
    await request.get(`/lessons/${LESSON}`),
    await request.get("/account/sign-in"),
    await request.get("/no-such-page"),
    await request.post("/api/sandbox-token", { data: { lesson: "no-such-lesson" } }),
    await request.post("/api/workshops/join", { form: { code: "AAAAAA", name: "Eve" }, headers: { origin: "http://evil.example" }, maxRedirects: 0 }),
  ];
  expect(answers.map((a) => a.status())).toEqual([200, 200, 200, 404, 404, 403]);
  for (const answer of answers) expect(answer.headers()["content-security-policy"], answer.url()).toBe("frame-ancestors 'self'");

  // In the browser: a frame of the same site shows the page; one from another site (the
  // same server under another host name is another origin) is blocked.
  await page.goto("/");
  const foreign = baseURL!.replace("localhost", "127.0.0.1");
  // The other origin answers (so a blocked frame is the header's doing, not a dead address).
  expect((await request.get(`${foreign}/account/sign-in`)).status()).toBe(200);
  await page.evaluate(
    ([own, other]) =>
      Promise.all(
        [own, other].map(
          (src, i) =>
            new Promise((resolve) => {
              const frame = document.createElement("iframe");
              frame.id = `frame-${i}`;
              frame.onload = resolve;
              frame.src = src!;
              document.body.append(frame);
            }),
        ),
      ),
    [`${baseURL}/account/sign-in`, `${foreign}/account/sign-in`],
  );
  await expect(page.frameLocator("#frame-0").getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.frameLocator("#frame-1").getByRole("button", { name: "Sign in" })).toHaveCount(0);
});

test("a client minting sandbox tokens is refused past the limit whatever address it claims, and a lesson page says why and recovers by itself", async ({ browser }) => {
  test.setTimeout(120_000);
  await forget("sandbox-token");
  try {
    // From a page of the site, as a hostile script would: no cookie (credentials omitted), so
    // every request is a new anonymous learner, each claiming another address.
    const attacker = await browser.newPage();
    await attacker.goto("/");
    const answers = await attacker.evaluate(
      async ({ lesson, headers }) => {
        const seen: Array<{ status: number; retryAfter: string | null; body: unknown }> = [];
        for (const extra of headers) {
          const answer = await fetch("/api/sandbox-token", {
            method: "POST",
            credentials: "omit",
            headers: { "content-type": "application/json", ...extra },
            body: JSON.stringify({ lesson }),
          });
          seen.push({ status: answer.status, retryAfter: answer.headers.get("retry-after"), body: await answer.json() });
          if (answer.status === 429) break;
        }
        return seen;
      },
      { lesson: LESSON, headers: Array.from({ length: 100 }, (_, i) => spoofed(i)) },
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(60);
    expect(answers.at(-1)).toEqual({
      status: 429,
      retryAfter: "60",
      body: { error: "Too many sandboxes were asked for from your network in the last minute. This page tries again by itself in a moment." },
    });
    await attacker.close();

    // A learner on the same network opening a lesson reads the sentence in the terminal…
    const context = await browser.newContext();
    const lesson = new LessonPage(await context.newPage());
    await lesson.page.goto(`/lessons/${LESSON}`);
    await expect(lesson.terminal).toHaveAttribute("data-status", "error");
    await expect(lesson.page.getByTestId("terminal-state")).toHaveText(/Too many sandboxes were asked for from your network/);
    // …and once the window has passed (here: forgotten), the page connects without a reload.
    await forget("sandbox-token");
    await lesson.waitConnected();
    await context.close();
  } finally {
    await forget("sandbox-token");
  }
});

test("a learner resetting again and again is told to wait, and keeps the sandbox and the screen they have", async ({ page }) => {
  test.setTimeout(120_000);
  const lesson = new LessonPage(page);
  await lesson.open(LESSON);
  const state = page.getByTestId("terminal-state");
  // Three resets a minute are allowed (SANDBOX_RESETS_PER_MINUTE): each gives a new sandbox.
  for (let i = 0; i < 3; i++) {
    const before = (await state.textContent())!;
    await page.getByRole("button", { name: "Reset sandbox" }).click();
    // Connected again, to another sandbox.
    await expect(async () => {
      const now = await state.textContent();
      expect(now).toMatch(/^Connected to /);
      expect(now).not.toBe(before);
    }).toPass();
    await lesson.waitConnected();
  }
  const host = (await state.textContent())!;
  await lesson.run("echo kept-$((6*7))");
  await page.getByRole("button", { name: "Reset sandbox" }).click();
  await expect(page.getByTestId("terminal-notice")).toHaveText(
    /^This sandbox was reset 3 times in the last minute, the most allowed\. It is still here as it was; you can reset it again in \d+ seconds\.$/,
  );
  await expect(state).toHaveText(host);
  await expect(lesson.rows).toContainText("kept-42");
  await lesson.run("echo still-$((6*7))");
});

test("guessing workshop codes stops at the limit, even for the right code, whatever address the guesser claims", async ({ page }) => {
  test.setTimeout(120_000);
  await forget("join-code");
  // A workshop in two days: its code is right, but it is not open yet (and nothing is pre-warmed for it).
  const owner = randomUUID();
  await createAccount(db, { id: owner, email: `limits-${owner}@example.org`, passwordHash: "x", role: "instructor", learnerId: newLearnerId() });
  const day = 24 * 60 * 60 * 1000;
  const workshop = await createWorkshop(db, { ownerId: owner, title: "Guarded", lessons: [LESSON], capacity: 1, opensAt: new Date(Date.now() + 2 * day), closesAt: new Date(Date.now() + 2 * day + 3_600_000) });
  try {
    // Wrong codes posted from a page of the site, each claiming another address.
    await page.goto("/join");
    const errors = await page.evaluate(async (headers) => {
      const seen: string[] = [];
      for (const [i, extra] of headers.entries()) {
        const answer = await fetch("/api/workshops/join", {
          method: "POST",
          credentials: "omit",
          headers: extra,
          body: new URLSearchParams({ code: `ZZZZ${"ABCDEFGHJKMNPQRSTUVWXYZ"[i]}${"ABCDEFGHJKMNPQRSTUVWXYZ"[i % 7]}`, name: "Mallory" }),
        });
        seen.push(new URL(answer.url).searchParams.get("error") ?? `no error (${answer.status})`);
      }
      return seen;
    }, Array.from({ length: 23 }, (_, i) => spoofed(i)));
    expect(errors).toEqual([...Array<string>(20).fill("unknown-code"), ...Array<string>(3).fill("too-many-join-codes")]);

    // Someone on the same network with the right code is refused in a sentence, and keeps what they typed.
    const join = async () => {
      await page.goto(`/join?code=${workshop.code}`);
      await page.getByLabel(/^Your name/).fill("Ada");
      await page.getByRole("button", { name: "Join" }).click();
      await expect(page.getByTestId("form-error")).toBeVisible();
    };
    await join();
    await expect(page.getByTestId("form-error")).toHaveText(
      "Too many wrong workshop codes were tried from your network. Wait 15 minutes and try again, or open the join link your instructor shares.",
    );
    await expect(page.getByLabel("Workshop code")).toHaveValue(workshop.code);
    // Once the window has passed (here: forgotten), the same code is recognised.
    await forget("join-code");
    await join();
    await expect(page.getByTestId("form-error")).toHaveText("This workshop has not opened yet. Try again when your instructor says so.");
  } finally {
    await forget("join-code");
    await db.workshop.delete({ where: { id: workshop.id } });
  }
});
