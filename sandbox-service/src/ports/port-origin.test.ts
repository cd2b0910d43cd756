import { describe, expect, it } from "vitest";
import { hostnameOf, isPortHost, portAddressOf, portOrigin, reachableFrom } from "./port-origin";

const ID = "3fa2c1d4e5f6" + "0".repeat(52);
const local = { baseDomain: "ports.localhost", scheme: "http" as const, port: () => 4000 };

describe("port origins", () => {
  it("give each sandbox and port an origin of its own under the base domain", () => {
    expect(portOrigin(local, ID, 5000)).toBe("http://3fa2c1d4e5f6-5000.ports.localhost:4000");
    expect(portOrigin(local, ID, 8080)).not.toBe(portOrigin(local, ID, 5000));
    expect(portOrigin({ baseDomain: "ports.example.org", scheme: "https", port: () => 443 }, ID, 5000)).toBe("https://3fa2c1d4e5f6-5000.ports.example.org");
    expect(portOrigin({ baseDomain: "ports.example.org", scheme: "http", port: () => 80 }, ID, 5000)).toBe("http://3fa2c1d4e5f6-5000.ports.example.org");
    expect(portOrigin({ baseDomain: "ports.example.org", scheme: "https", port: () => 8443 }, ID, 5000)).toBe("https://3fa2c1d4e5f6-5000.ports.example.org:8443");
  });

  it("are read back from the Host header, whatever its case, port or trailing dot", () => {
    expect(portAddressOf("ports.localhost", "3fa2c1d4e5f6-5000.ports.localhost:4000")).toEqual({ shortId: "3fa2c1d4e5f6", port: 5000 });
    expect(portAddressOf("ports.localhost", "3FA2C1D4E5F6-5000.Ports.LocalHost.")).toEqual({ shortId: "3fa2c1d4e5f6", port: 5000 });
    expect(portAddressOf("ports.example.org", "3fa2c1d4e5f6-65535.ports.example.org")).toEqual({ shortId: "3fa2c1d4e5f6", port: 65535 });
  });

  it("name nothing for hostile or malformed Host headers", () => {
    for (const host of [
      undefined,
      "",
      "localhost:4000",
      "ports.localhost:4000",
      "3fa2c1d4e5f6-5000.ports.localhost.evil.org",
      "3fa2c1d4e5f6-5000.evilports.localhost",
      "3fa2c1d4e5f6-0.ports.localhost",
      "3fa2c1d4e5f6-05000.ports.localhost",
      "3fa2c1d4e5f6-65536.ports.localhost",
      "3fa2c1d4e5f6-99999999.ports.localhost",
      "3fa2c1d4e5f-5000.ports.localhost",
      "3fa2c1d4e5f6a-5000.ports.localhost",
      "x.3fa2c1d4e5f6-5000.ports.localhost",
      "3fa2c1d4e5f6-5000-1.ports.localhost",
      "../3fa2c1d4e5f6-5000.ports.localhost",
      "[::1]:4000",
    ]) {
      expect(portAddressOf("ports.localhost", host), String(host)).toBeNull();
    }
  });

  it("claim every host under the base domain for the proxy, and never the platform's own", () => {
    expect(isPortHost("ports.localhost", "3fa2c1d4e5f6-5000.ports.localhost:4000")).toBe(true);
    expect(isPortHost("ports.localhost", "anything.ports.localhost")).toBe(true);
    expect(isPortHost("ports.localhost", "localhost:4000")).toBe(false);
    expect(isPortHost("ports.localhost", "ports.localhost:4000")).toBe(false);
    expect(isPortHost("ports.localhost", "myports.localhost")).toBe(false);
    expect(isPortHost("ports.localhost", undefined)).toBe(false);
  });

  it("under *.localhost, are offered only to a browser on the platform's own machine", () => {
    for (const host of ["localhost:4000", "127.0.0.1:4000", "[::1]:4000", "dojo.localhost"]) expect(reachableFrom("ports.localhost", host), host).toBe(true);
    for (const host of ["192.168.1.20:4000", "dojo.example.org", undefined]) expect(reachableFrom("ports.localhost", host), String(host)).toBe(false);
    expect(reachableFrom("ports.example.org", "192.168.1.20:4000")).toBe(true);
  });

  it("read host names without port, case or trailing dot", () => {
    expect(hostnameOf("Example.ORG.:443")).toBe("example.org");
    expect(hostnameOf("[::1]:4000")).toBe("[::1]");
  });
});
