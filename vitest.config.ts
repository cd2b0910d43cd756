import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.lesson.test.ts", "**/*.example.test.ts", "**/node_modules/**", "e2e/**", ".next/**"],
        },
      },
      {
        extends: true,
        test: {
          // Against the real Docker engine: one file at a time, generous timeouts.
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["**/node_modules/**", ".next/**"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // npm run lessons:test: every lesson proven in a real sandbox.
          name: "lessons",
          include: ["lessons/**/*.lesson.test.ts"],
          exclude: ["**/node_modules/**"],
          // Each test holds one sandbox (a docker one: ~70 MiB idle, up to its memory limit
          // while a solve builds or runs Python). Too few and the engine idles while a test
          // waits on a pull or a server start; too many and, on a 2-core machine, every
          // script slows down until readiness waits and the checks' 20 s limit are at risk.
          maxConcurrency: 4,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // npm run examples:test: every example built, run and checked in a real sandbox.
          name: "examples",
          include: ["examples/**/*.example.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
