/**
 * Which Monaco language shows a file, from its name alone: the languages Docker lessons
 * use (Dockerfile, Python, YAML, shell) plus JSON and Markdown; anything else is plain text.
 * Every language named here must be registered in monaco.ts.
 */
export type EditorLanguage = "dockerfile" | "python" | "yaml" | "shell" | "json" | "markdown" | "plaintext";

const BY_EXTENSION: Record<string, EditorLanguage> = {
  dockerfile: "dockerfile",
  py: "python",
  yml: "yaml",
  yaml: "yaml",
  sh: "shell",
  bash: "shell",
  json: "json",
  md: "markdown",
};

/** Shell start-up files, whose names are all extension. */
const SHELL_FILES = new Set([".bashrc", ".bash_profile", ".bash_aliases", ".profile"]);

export function languageForFile(path: string): EditorLanguage {
  const name = (path.split("/").pop() ?? "").toLowerCase();
  // Dockerfile, Dockerfile.dev, dev.Dockerfile, app.dockerfile, Containerfile.
  if (name === "dockerfile" || name.startsWith("dockerfile.") || name === "containerfile") return "dockerfile";
  if (SHELL_FILES.has(name)) return "shell";
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "plaintext";
  return BY_EXTENSION[name.slice(dot + 1)] ?? "plaintext";
}
