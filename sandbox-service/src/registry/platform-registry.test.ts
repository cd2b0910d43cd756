import { describe, expect, it } from "vitest";
import { registryPath } from "./platform-registry";

describe("registryPath", () => {
  it("names images the way the registry API does", () => {
    expect(registryPath("busybox")).toEqual({ repository: "library/busybox", tag: "latest" });
    expect(registryPath("python:3")).toEqual({ repository: "library/python", tag: "3" });
    expect(registryPath("debian:bookworm-slim")).toEqual({ repository: "library/debian", tag: "bookworm-slim" });
    expect(registryPath("someone/app:1.2")).toEqual({ repository: "someone/app", tag: "1.2" });
  });
});
