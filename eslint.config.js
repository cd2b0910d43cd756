// @ts-check
/**
 * ESLint: the recommended JavaScript and TypeScript rules (no type-aware rules: they would
 * need a full type check per run, which `npm run typecheck` already does), plus the
 * layering of the code base as rules, so a wrong-way import fails `npm run lint` instead
 * of waiting for a reviewer. `eslint.config.test.ts` proves each layering rule still fires.
 *
 * The layers (README, "What is where"):
 *   shared/                      used by both processes; imports nothing above it
 *   app/, components/, lib/      the web app; reaches the service over HTTP and socket.io only
 *   sandbox-service/src/         the service; only engine/ talks to Docker
 *   components/, client files    run in the browser: no Node built-ins, no database code
 *   any testing/ folder          fakes and fixtures for tests, never shipped
 */
import path from "node:path";
import { builtinModules } from "node:module";
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

const root = import.meta.dirname;
const typescript = ["**/*.ts", "**/*.tsx", "**/*.mts"];
/** Test code (and benchmarks, which ship nowhere either) may use fakes, fixtures and Docker directly. */
const tests = ["**/*.test.ts", "**/testing/**", "sandbox-service/test/**", "e2e/**", "bench/**"];

const dockerode = {
  regex: "^(dockerode|docker-modem)(/|$)",
  message: "Only sandbox-service/src/engine/ talks to Docker (and bench/ and tests); elsewhere use the SandboxEngine interface.",
};
const testingFakes = {
  regex: "(^|/)testing(/|$)",
  message: "Modules in a testing/ folder are fakes and fixtures for tests; only *.test.ts files and other test code may import them.",
};
const webNeverImportsService = {
  target: ["./app", "./components", "./lib"],
  from: "./sandbox-service",
  message: "The web app reaches the sandbox service over HTTP and socket.io only; code both need belongs in shared/.",
};
const sharedImportsNothingAbove = {
  target: "./shared",
  from: ["./app", "./components", "./lib", "./sandbox-service", "./scripts"],
  message: "shared/ is the bottom layer both processes import; it imports nothing above it.",
};
const sharedDb = {
  regex: "(^|/)shared/db(/|$)",
  allowTypeImports: true,
  message: "Browser code must not import database code (shared/db); a type-only import is fine.",
};
/**
 * The browser has no Node built-ins; `node:x` and bare `x` both count. As a selector's
 * regex (no-restricted-syntax below), which cannot contain "/": written as \x2F.
 */
const nodeBuiltin = new RegExp(`^(node:.*|(${builtinModules.map((name) => name.replace(/[/]/g, "\\x2F")).join("|")})(\\x2F.*)?)$`).source;

export default defineConfig(
  {
    ignores: ["node_modules/", ".next/", ".dojo/", "prisma/generated/", "next-env.d.ts", "test-results/", "playwright-report/", "bench/peers/wetty/"],
  },
  {
    // A stale `eslint-disable` would hide the next real violation on that line.
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: typescript,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: path.join(root, "tsconfig.json") })],
    },
    rules: {
      // A variable assigned once but read earlier by a closure (late binding) cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: [webNeverImportsService, sharedImportsNothingAbove] }],
      "no-restricted-imports": ["error", { patterns: [dockerode, testingFakes] }],
    },
  },
  {
    // The agent launcher (deploy/stack.yml) supervises the agent's container on its node's
    // engine: Docker is its whole job, and it is no part of the platform's layers.
    files: ["sandbox-service/src/engine/**", "bench/**", "deploy/agent-launcher/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [testingFakes] }] },
  },
  {
    files: tests,
    rules: { "no-restricted-imports": "off" },
  },
  {
    // A test of shared/ ships nowhere, and may use the code above to set up what it tests
    // (the web's learners and accounts as rows to point at, scripts/db/'s migration diff).
    files: ["shared/**/*.test.ts"],
    rules: { "import-x/no-restricted-paths": ["error", { basePath: root, zones: [webNeverImportsService] }] },
  },
  {
    // Everything in components/ is bundled for the browser (server components included,
    // since any of them may become a client one); a test beside it runs in Node.
    files: ["components/**"],
    ignores: tests,
    rules: {
      "import-x/no-nodejs-modules": "error",
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [sharedDb] }],
    },
  },
  {
    // A client component outside components/ ("use client" at the top) is browser code too.
    files: typescript,
    ignores: ["components/**", ...tests],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `Program:has(> ExpressionStatement[directive='use client']) ImportDeclaration[importKind!='type'][source.value=/${nodeBuiltin}/]`,
          message: "A client component runs in the browser: it cannot import Node built-ins.",
        },
        {
          selector: `Program:has(> ExpressionStatement[directive='use client']) ImportDeclaration[importKind!='type'][source.value=/(^|\\x2F)shared\\x2Fdb(\\x2F|$)/]`,
          message: sharedDb.message,
        },
      ],
    },
  },
);
