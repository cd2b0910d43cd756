import { describe, expect, it } from "vitest";
import { DEFAULT_FILE, decideOpen, exampleFilePath } from "./machine-file";

describe("decideOpen", () => {
  it("opens a file when none is shown, trimming what was typed", () => {
    expect(decideOpen(null, "  ~/app/Dockerfile ", false)).toEqual({ kind: "open", file: "~/app/Dockerfile" });
  });

  it("replaces a file without unsaved text at once", () => {
    expect(decideOpen("~/a.txt", "~/b.txt", false)).toEqual({ kind: "open", file: "~/b.txt" });
  });

  it("asks before replacing unsaved text", () => {
    expect(decideOpen("~/a.txt", "~/b.txt", true)).toEqual({ kind: "ask", file: "~/b.txt" });
  });

  it("does nothing for the file already shown, unsaved text or not", () => {
    expect(decideOpen("~/a.txt", "~/a.txt ", true)).toEqual({ kind: "shown" });
    expect(decideOpen("~/a.txt", "~/a.txt", false)).toEqual({ kind: "shown" });
  });

  it("says what to type for an empty path", () => {
    expect(decideOpen(null, "   ", false)).toEqual({ kind: "empty", message: `Name a file to open, such as ${DEFAULT_FILE}.` });
  });

  it("leaves the path's rules to the service (it answers in a sentence)", () => {
    expect(decideOpen(null, "/etc/passwd", false)).toEqual({ kind: "open", file: "/etc/passwd" });
  });
});

describe("exampleFilePath", () => {
  it("puts an example's files in a folder named after it", () => {
    expect(exampleFilePath("static-site", "Dockerfile")).toBe("~/static-site/Dockerfile");
    expect(exampleFilePath("static-site", "site/index.html")).toBe("~/static-site/site/index.html");
  });
});
