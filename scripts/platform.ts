/**
 * `npm start`'s last step: runs the web app (Next.js) and the sandbox service under a
 * Supervisor (scripts/platform/supervisor.ts): output prefixed per process, the URL printed
 * once both answer, a crashed process started again with back-off, and on Ctrl-C, SIGTERM
 * or SIGHUP everything it started stopped before it exits (a second Ctrl-C kills at once).
 */
import { ConfigError, ensureSecret, loadServiceConfig, loadWebConfig } from "../shared/config";
import { existsSync } from "node:fs";
import { Supervisor } from "./platform/supervisor";

const mode = process.argv[2] === "development" ? "development" : "production";
let settings;
let env: NodeJS.ProcessEnv;
try {
  if (existsSync(".env")) process.loadEnvFile(".env");
  // Start-up is where the secret is made (on the first run); both children get it, so they
  // agree. Given as DOJO_SECRET_FILE, it is read once here and handed on as DOJO_SECRET (one of the two, never both).
  env = { ...process.env, DOJO_SECRET: ensureSecret(), DOJO_SECRET_FILE: undefined, NEXT_TELEMETRY_DISABLED: "1" };
  // Both processes' settings checked here, so a bad value stops the platform before anything starts.
  settings = loadWebConfig(env);
  loadServiceConfig(env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
const webUrl = `http://localhost:${settings.PORT}`;
const serviceHealth = `http://localhost:${settings.SANDBOX_PORT}/healthz`;

// node itself runs each program (not npx, whose wrapper processes a signal may miss).
const supervisor = new Supervisor(
  [
    { name: "sandbox", command: process.execPath, args: ["--import", "tsx", "sandbox-service/src/main.ts"], healthUrl: serviceHealth },
    {
      // Not `next start`: the web server decides each request's client address (scripts/web-server.ts).
      name: "web",
      command: process.execPath,
      args: ["--import", "tsx", "scripts/web-server.ts", mode],
      healthUrl: webUrl,
    },
  ],
  { env },
);
supervisor.start();
supervisor.stopOnSignals((signal) =>
  console.log(`\n[platform] ${signal}: stopping the web app and the sandbox service (sandboxes keep running; the next start re-adopts them)…`),
);

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status < 500;
  } catch {
    return false;
  }
}

void (async () => {
  for (let i = 0; i < 600 && !supervisor.isStopping; i++) {
    if ((await answers(webUrl)) && (await answers(serviceHealth))) {
      console.log(`\n  Container Dojo is ready: ${webUrl}\n`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
})();

const code = await supervisor.done;
console.log("[platform] stopped.");
process.exit(code);
