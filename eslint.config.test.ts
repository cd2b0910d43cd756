/**
 * Each layering rule of eslint.config.js fires on a deliberately wrong import and stays
 * quiet on the allowed one beside it, so a rule cannot silently stop working (a renamed
 * folder, a plugin upgrade, an unresolvable alias). The fixtures are linted as text at a
 * pretend path in the real tree: the rules look at where a file is and what its imports
 * resolve to, and no fixture file exists for `npm run lint` or the type check to trip on.
 */
import { ESLint, type Linter } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

interface Fixture {
  /** Where the fixture pretends to live, from the repository root. */
  file: string;
  code: string;
}

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: import.meta.dirname });
});

async function lint({ file, code }: Fixture): Promise<Linter.LintMessage[]> {
  // An ignored path would come back clean whatever it holds.
  expect(await eslint.isPathIgnored(file)).toBe(false);
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages;
}

/** The fixture breaks exactly one rule, once, and the message says why in a sentence. */
async function expectRefused(fixture: Fixture, ruleId: string, why: RegExp) {
  const messages = await lint(fixture);
  expect(messages.map((m) => [m.ruleId, m.message])).toEqual([[ruleId, expect.stringMatching(why)]]);
}

async function expectAllowed(fixture: Fixture) {
  expect(await lint(fixture)).toEqual([]);
}

// Generous: the first lint loads the parser and the TypeScript resolver, on a busy machine.
describe("layering rules in eslint.config.js", { timeout: 60_000 }, () => {
  describe("the web app never imports the sandbox service", () => {
    for (const file of ["app/fixture.ts", "components/lesson/fixture.ts", "lib/fixture.ts"]) {
      const up = "../".repeat(file.split("/").length - 1);
      it(`${file}: by a relative path`, async () => {
        await expectRefused(
          { file, code: `import { startSandboxService } from "${up}sandbox-service/src/service";\nexport const s = startSandboxService;\n` },
          "import-x/no-restricted-paths",
          /over HTTP and socket\.io only/,
        );
      });
    }
    it("app/: through the @/ alias", async () => {
      await expectRefused(
        { file: "app/fixture.ts", code: `import type { RunningService } from "@/sandbox-service/src/service";\nexport type S = RunningService;\n` },
        "import-x/no-restricted-paths",
        /over HTTP and socket\.io only/,
      );
    });
    it("app/ may import shared/", async () => {
      await expectAllowed({ file: "app/fixture.ts", code: `import { FLOW } from "../shared/protocol";\nexport const f = FLOW;\n` });
    });
  });

  describe("shared/ imports nothing above it", () => {
    const above = {
      "app/": "app/page",
      "components/": "components/lesson/Run",
      "lib/": "lib/db",
      "sandbox-service/": "sandbox-service/src/service",
      "scripts/": "scripts/platform/restart-policy",
    };
    for (const [layer, target] of Object.entries(above)) {
      it(`shared/db/ importing ${layer}`, async () => {
        await expectRefused(
          { file: "shared/db/fixture.ts", code: `import * as above from "../../${target}";\nexport const a = above;\n` },
          "import-x/no-restricted-paths",
          /imports nothing above it/,
        );
      });
    }
    it("shared/ through the @/ alias", async () => {
      await expectRefused(
        { file: "shared/fixture.ts", code: `import * as above from "@/lib/db";\nexport const a = above;\n` },
        "import-x/no-restricted-paths",
        /imports nothing above it/,
      );
    });
    it("shared/ may import shared/", async () => {
      await expectAllowed({ file: "shared/db/fixture.ts", code: `import { FLOW } from "../protocol";\nexport const f = FLOW;\n` });
    });
  });

  describe("only the engine (and bench/ and tests) import dockerode", () => {
    const dockerode = `import Docker from "dockerode";\nexport const d = Docker;\n`;
    it("sandbox-service/src/sessions/", async () => {
      await expectRefused({ file: "sandbox-service/src/sessions/fixture.ts", code: dockerode }, "no-restricted-imports", /Only sandbox-service\/src\/engine\//);
    });
    it("a type-only import counts too", async () => {
      await expectRefused(
        { file: "sandbox-service/src/files/fixture.ts", code: `import type Docker from "dockerode";\nexport type D = Docker;\n` },
        "no-restricted-imports",
        /Only sandbox-service\/src\/engine\//,
      );
    });
    it("app/", async () => {
      await expectRefused({ file: "app/fixture.ts", code: dockerode }, "no-restricted-imports", /Only sandbox-service\/src\/engine\//);
    });
    for (const file of ["sandbox-service/src/engine/fixture.ts", "bench/support/fixture.ts", "sandbox-service/test/fixture.int.test.ts"]) {
      it(`${file} may`, async () => {
        await expectAllowed({ file, code: dockerode });
      });
    }
  });

  describe("browser code imports no Node built-ins and no database code", () => {
    it("components/: node:fs", async () => {
      await expectRefused(
        { file: "components/terminal/fixture.ts", code: `import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n` },
        "import-x/no-nodejs-modules",
        /Node\.js builtin module "node:fs"/,
      );
    });
    it("components/: a bare built-in (child_process)", async () => {
      await expectRefused(
        { file: "components/lesson/fixture.tsx", code: `import { spawn } from "child_process";\nexport const s = spawn;\n` },
        "import-x/no-nodejs-modules",
        /Node\.js builtin module "child_process"/,
      );
    });
    it("components/: shared/db", async () => {
      await expectRefused(
        { file: "components/workshop/fixture.tsx", code: `import { createDatabase } from "../../shared/db/client";\nexport const d = createDatabase;\n` },
        "@typescript-eslint/no-restricted-imports",
        /must not import database code/,
      );
    });
    it("components/: a type from shared/db is fine (erased from the bundle)", async () => {
      await expectAllowed({
        file: "components/workshop/fixture.tsx",
        code: `import type { workshopSandboxEvents } from "../../shared/db/sandbox-events";\nexport type E = typeof workshopSandboxEvents;\n`,
      });
    });
    it("a client component in app/: node:path", async () => {
      await expectRefused(
        { file: "app/fixture/page.tsx", code: `"use client";\nimport path from "node:path";\nexport const p = path;\n` },
        "no-restricted-syntax",
        /cannot import Node built-ins/,
      );
    });
    it("a client component in app/: fs/promises", async () => {
      await expectRefused(
        { file: "app/fixture/page.tsx", code: `"use client";\nimport { readFile } from "fs/promises";\nexport const r = readFile;\n` },
        "no-restricted-syntax",
        /cannot import Node built-ins/,
      );
    });
    it("a client component in app/: shared/db", async () => {
      await expectRefused(
        { file: "app/fixture/page.tsx", code: `"use client";\nimport { createDatabase } from "@/shared/db/client";\nexport const d = createDatabase;\n` },
        "no-restricted-syntax",
        /must not import database code/,
      );
    });
    it("a server component in app/ may use both", async () => {
      await expectAllowed({
        file: "app/fixture/page.tsx",
        code: `import path from "node:path";\nimport { createDatabase } from "@/shared/db/client";\nexport const p = [path, createDatabase];\n`,
      });
    });
  });

  describe("testing/ fakes are imported by test code only", () => {
    const fake = `import { FakeEngine } from "../engine/testing/fake-engine";\nexport const f = FakeEngine;\n`;
    it("sandbox-service/src/sessions/", async () => {
      await expectRefused({ file: "sandbox-service/src/sessions/fixture.ts", code: fake }, "no-restricted-imports", /only \*\.test\.ts files/);
    });
    it("sandbox-service/src/engine/ (allowed dockerode, not fakes)", async () => {
      await expectRefused(
        { file: "sandbox-service/src/engine/fixture.ts", code: `import { FakeEngine } from "./testing/fake-engine";\nexport const f = FakeEngine;\n` },
        "no-restricted-imports",
        /only \*\.test\.ts files/,
      );
    });
    it("scripts/", async () => {
      await expectRefused(
        { file: "scripts/db/fixture.ts", code: `import { freshDatabase } from "../../shared/db/testing/databases";\nexport const f = freshDatabase;\n` },
        "no-restricted-imports",
        /only \*\.test\.ts files/,
      );
    });
    it("a *.test.ts file may", async () => {
      await expectAllowed({ file: "sandbox-service/src/sessions/fixture.test.ts", code: fake });
    });
  });
});
