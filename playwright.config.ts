import { defineConfig } from "@playwright/test";
import { e2e } from "./e2e/environment";

/**
 * End-to-end tests against the real platform: `npm start` (web + sandbox-service + real
 * Docker engine) on ports of their own and a DOJO_INSTANCE of their own, so a platform
 * you are running yourself on the default ports is left alone (see e2e/environment.ts).
 */
// A database of their own too: workshops the tests leave open must not make a developer's
// platform pre-warm sandboxes for them. Set here so every platform the tests start shares it.
process.env.DATABASE_URL ??= `file:.dojo/${e2e.instance}.db`;

const WEB_PORT = e2e.webPort;
const SANDBOX_PORT = e2e.sandboxPort;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The HTML report keeps what tests attach (the dashboard grid's picture, traces of failures); never opened by itself.
  reporter: [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${WEB_PORT}`,
    // A failed test keeps its trace (DOM snapshots of every step, network, console). Without
    // the screencast: it makes every open page paint and JPEG-encode frames all the time, a
    // good part of the suite's CPU on a 2-core machine, for pictures the snapshots already give.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-quic", "--disable-sync", "--disable-background-networking"],
    },
  },
  webServer: {
    command: "npm start",
    url: `http://localhost:${SANDBOX_PORT}/healthz`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // Stop it as Ctrl-C would, and wait: the supervisor ends the web app and the service
    // before the sandboxes are removed (scripts/test-e2e.sh), so no pool refill races that.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    env: {
      PORT: String(WEB_PORT),
      SANDBOX_PORT: String(SANDBOX_PORT),
      DOJO_INSTANCE: e2e.instance,
      // Timers run every 2 s, and the expiry warning shows from the start, so the
      // "give me more time" path can be tested without waiting two hours.
      SANDBOX_SWEEP_INTERVAL_SECONDS: "2",
      SANDBOX_EXPIRY_WARNING_SECONDS: "7190",
      // A sandbox left busy with its page closed is frozen after 6 s (production: 60 s), so
      // runaway.spec.ts sees it happen within its timeout. Nothing else leaves one busy.
      SANDBOX_RUNAWAY_WINDOW_SECONDS: "6",
    },
  },
});
