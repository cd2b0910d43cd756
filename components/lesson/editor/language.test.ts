import { describe, expect, it } from "vitest";
import { languageForFile } from "./language";

describe("languageForFile", () => {
  it.each([
    ["~/flask-app/Dockerfile", "dockerfile"],
    ["/root/Dockerfile.dev", "dockerfile"],
    ["~/app/web.dockerfile", "dockerfile"],
    ["~/DOCKERFILE", "dockerfile"],
    ["~/Containerfile", "dockerfile"],
    ["~/flask-app/app.py", "python"],
    ["~/compose.yml", "yaml"],
    ["~/.github/workflows/ci.yaml", "yaml"],
    ["~/build.sh", "shell"],
    ["~/setup.bash", "shell"],
    ["~/package.json", "json"],
    ["~/README.md", "markdown"],
    ["~/notes.txt", "plaintext"],
    ["~/Makefile", "plaintext"],
    ["~/.bashrc", "shell"],
    ["~/.profile", "shell"],
    ["~/.gitignore", "plaintext"],
    ["~/py", "plaintext"],
    ["~/archive.tar.gz", "plaintext"],
  ])("%s → %s", (path, language) => {
    expect(languageForFile(path)).toBe(language);
  });
});
