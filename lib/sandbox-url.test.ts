import { describe, expect, it } from "vitest";
import { sandboxUrlFor } from "./sandbox-url";

describe("sandboxUrlFor", () => {
  it("uses the page's host name with the service port", () => {
    expect(sandboxUrlFor({ host: "localhost:3000", protocol: "http" }, undefined, 4000)).toBe("http://localhost:4000");
    expect(sandboxUrlFor({ host: "192.168.1.20:3000", protocol: "http" }, undefined, 4000)).toBe("http://192.168.1.20:4000");
    expect(sandboxUrlFor({ host: "[::1]:3000", protocol: "http" }, undefined, 4000)).toBe("http://[::1]:4000");
    expect(sandboxUrlFor({ host: "dojo.example", protocol: "https" }, undefined, 4000)).toBe("https://dojo.example:4000");
  });

  it("prefers the configured public URL", () => {
    expect(sandboxUrlFor({ host: "localhost:3000", protocol: "http" }, "https://sandbox.example/", 4000)).toBe("https://sandbox.example");
  });

  it("falls back to localhost without a Host header", () => {
    expect(sandboxUrlFor({ host: null, protocol: "http" }, undefined, 4000)).toBe("http://localhost:4000");
  });
});
