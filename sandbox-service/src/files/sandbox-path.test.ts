import { describe, expect, it } from "vitest";
import { UserFacingError } from "../user-facing-error";
import { displayPath, MAX_PATH_BYTES, resolveSandboxPath } from "./sandbox-path";

/** The refusal a learner would read, with its code. */
function refusal(input: string): { code: string; message: string } {
  try {
    resolveSandboxPath(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UserFacingError);
    return { code: (error as UserFacingError).code, message: (error as UserFacingError).message };
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe("resolveSandboxPath", () => {
  it("accepts files in the home folder, written with ~ or in full, and in /tmp", () => {
    expect(resolveSandboxPath("~/flask-app/app.py")).toEqual({ path: "/root/flask-app/app.py", root: "/root", below: ["flask-app", "app.py"] });
    expect(resolveSandboxPath("/root/Dockerfile")).toEqual({ path: "/root/Dockerfile", root: "/root", below: ["Dockerfile"] });
    expect(resolveSandboxPath("/tmp/notes.txt")).toEqual({ path: "/tmp/notes.txt", root: "/tmp", below: ["notes.txt"] });
    expect(resolveSandboxPath("~/.bashrc").path).toBe("/root/.bashrc");
    expect(resolveSandboxPath("~/données/été 🐳.txt").path).toBe("/root/données/été 🐳.txt");
  });

  it("normalises: doubled slashes, '.' and '..' that stay inside", () => {
    expect(resolveSandboxPath("~//flask-app/./app.py").path).toBe("/root/flask-app/app.py");
    expect(resolveSandboxPath("/root/a/../b/c.txt").path).toBe("/root/b/c.txt");
    expect(resolveSandboxPath("~/a/b/../../c.txt")).toMatchObject({ path: "/root/c.txt", below: ["c.txt"] });
  });

  it("refuses path traversal out of the allowed folders, saying where it leads", () => {
    expect(refusal("/root/../etc/shadow")).toEqual({
      code: "forbidden",
      message: "“/root/../etc/shadow” (it leads to /etc/shadow) is outside your home folder (~, which is /root) or /tmp: the editor opens files only there.",
    });
    expect(refusal("~/../../etc/passwd")).toMatchObject({ code: "forbidden", message: expect.stringContaining("(it leads to /etc/passwd)") });
    expect(refusal("/tmp/../../../root2/x")).toMatchObject({ code: "forbidden" });
    expect(refusal("/etc/passwd")).toMatchObject({ code: "forbidden", message: expect.stringMatching(/^“\/etc\/passwd” is outside your home folder/) });
    // A root's name as a prefix is not the root.
    expect(refusal("/rootkit/x")).toMatchObject({ code: "forbidden" });
    expect(refusal("/tmpfoo")).toMatchObject({ code: "forbidden" });
  });

  it("refuses relative paths, which would depend on a working folder the editor does not have", () => {
    expect(refusal("../../etc/passwd")).toEqual({
      code: "bad_request",
      message: "“../../etc/passwd” is not an absolute path. Name the file from your home folder (~/app.py) or from the root (/root/app.py, /tmp/notes.txt).",
    });
    expect(refusal("app.py")).toMatchObject({ code: "bad_request", message: expect.stringContaining("is not an absolute path") });
  });

  it("refuses another user's home folder", () => {
    expect(refusal("~nobody/x")).toMatchObject({ code: "bad_request", message: expect.stringContaining("another user's home folder") });
  });

  it("refuses folders: an allowed root itself, a trailing slash, '.' or '..' at the end", () => {
    expect(refusal("/root")).toMatchObject({ code: "bad_request", message: "“/root” is a folder, not a file. Name a file in it, such as ~/notes.txt." });
    expect(refusal("~")).toMatchObject({ code: "bad_request", message: expect.stringContaining("is a folder, not a file") });
    expect(refusal("/tmp")).toMatchObject({ code: "bad_request" });
    expect(refusal("~/flask-app/")).toMatchObject({ code: "bad_request", message: "“~/flask-app/” names a folder, not a file. Name a file in it, such as ~/flask-app/notes.txt." });
    expect(refusal("~/flask-app/.")).toMatchObject({ code: "bad_request", message: expect.stringContaining("names a folder") });
    expect(refusal("~/flask-app/..")).toMatchObject({ code: "bad_request", message: expect.stringContaining("such as ~/notes.txt") });
    // ...unless that folder is outside: then that is what the learner needs to hear.
    expect(refusal("/root/../")).toMatchObject({ code: "forbidden" });
  });

  it("refuses NUL and control characters", () => {
    expect(refusal("~/app.py\0.txt")).toEqual({ code: "bad_request", message: "A file path cannot contain a NUL character." });
    expect(refusal("~/app\n.py")).toMatchObject({ code: "bad_request", message: expect.stringContaining("control characters") });
    expect(refusal("~/app\x7f.py")).toMatchObject({ code: "bad_request" });
  });

  it("refuses empty and over-long paths and names", () => {
    expect(refusal("")).toMatchObject({ code: "bad_request", message: expect.stringContaining("empty") });
    expect(refusal(`~/${"a/".repeat(MAX_PATH_BYTES / 2)}x`)).toMatchObject({ code: "bad_request", message: `That file path is too long: the editor accepts paths of up to ${MAX_PATH_BYTES} bytes.` });
    // Bytes, not characters: 130 two-byte letters are 260 bytes.
    expect(refusal(`~/${"é".repeat(130)}`)).toMatchObject({ code: "bad_request", message: expect.stringContaining("longer than 255 bytes") });
    expect(resolveSandboxPath(`~/${"a".repeat(255)}`).below).toEqual(["a".repeat(255)]);
  });

  it("keeps long paths in sentences short", () => {
    expect(refusal(`/etc/${"x".repeat(200)}`).message.length).toBeLessThan(200);
  });
});

describe("displayPath", () => {
  it("writes the home folder as ~", () => {
    expect(displayPath("/root/flask-app/app.py")).toBe("~/flask-app/app.py");
    expect(displayPath("/root")).toBe("~");
    expect(displayPath("/rootkit")).toBe("/rootkit");
    expect(displayPath("/tmp/x")).toBe("/tmp/x");
  });
});
