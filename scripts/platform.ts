/**
 * Runs web (Next.js) and sandbox-service side by side, prefixes their output, prints the
 * URL once both answer, and stops both when either exits or on Ctrl-C.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { config, ConfigError } from "../shared/config";

const mode = process.argv[2] === "development" ? "development" : "production";
let settings;
try {
  settings = config();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
// Both children must agree on the secret; config() created it if it did not exist yet.
const env = { ...process.env, DOJO_SECRET: settings.DOJO_SECRET, NEXT_TELEMETRY_DISABLED: "1" };

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping the platform.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(code: number) {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1500).unref();
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status < 500;
  } catch {
    return false;
  }
}

run("sandbox", "npx", ["tsx", "sandbox-service/src/main.ts"]);
// Not `next start`: the web server decides each request's client address (scripts/web-server.ts).
run("web", "npx", ["tsx", "scripts/web-server.ts", mode]);
process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));

const webUrl = `http://localhost:${settings.PORT}`;
for (let i = 0; i < 600 && !stopping; i++) {
  if ((await answers(webUrl)) && (await answers(`http://localhost:${settings.SANDBOX_PORT}/healthz`))) {
    console.log(`\n  Container Dojo is ready: ${webUrl}\n`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
