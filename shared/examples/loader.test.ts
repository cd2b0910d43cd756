import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findExample, loadExample, loadExamples } from "./loader";

const README = `---
title: T
summary: S
build: docker build -t t .
run: docker run -d t
check: "false"
---
Body.
`;

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "examples-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

describe("examples", () => {
  it("every example of the project loads, with a Dockerfile and valid frontmatter", async () => {
    const examples = await loadExamples();
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) expect(example.files.map((f) => f.path)).toContain("Dockerfile");
  });

  it("finds examples by name only: traversal, absolute paths and odd names find nothing", async () => {
    const dir = await folder({ "good/README.md": README, "good/Dockerfile": "FROM busybox\n", "secret.txt": "no" });
    expect((await findExample("good", dir))?.files.map((f) => f.path)).toEqual(["Dockerfile"]);
    for (const hostile of ["../good", "good/../good", "/etc", "..", "good/", "GOOD", "good\u0000", "secret.txt", "%2e%2e", "a".repeat(41)]) {
      expect(await findExample(hostile, dir)).toBeUndefined();
    }
  });

  it("names the folder and field of a broken example", async () => {
    const dir = await folder({ "bad/README.md": "---\ntitle: T\n---\n", "bad/Dockerfile": "FROM busybox\n" });
    await expect(loadExample("bad", dir)).rejects.toThrow(/examples\/bad\/README.md: field `summary`/);
    const noDockerfile = await folder({ "x/README.md": README });
    await expect(loadExample("x", noDockerfile)).rejects.toThrow(/examples\/x: no Dockerfile/);
  });

  it("refuses a symlink in an example (it could point anywhere on the server)", async () => {
    const dir = await folder({ "linked/README.md": README, "linked/Dockerfile": "FROM busybox\n" });
    await symlink("/etc/passwd", path.join(dir, "linked", "passwd"));
    await expect(loadExample("linked", dir)).rejects.toThrow(/only files and folders/);
  });
});
