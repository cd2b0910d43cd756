import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, forwardedClient, trustForwarding } from "./client-address";

describe("trustForwarding", () => {
  it("without a trusted proxy, a forged X-Forwarded-For (and every friend) is thrown away for the connection's address", () => {
    const headers: IncomingHttpHeaders = {
      host: "dojo.example",
      "x-forwarded-for": "203.0.113.9, 198.51.100.1",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      "x-real-ip": "203.0.113.10",
      forwarded: "for=203.0.113.11",
    };
    trustForwarding(headers, "192.0.2.7", 0);
    expect(headers).toEqual({ host: "dojo.example", "x-forwarded-for": "192.0.2.7" });
  });

  it("behind one proxy, the client is the address the proxy appended, not what the client wrote before it", () => {
    const headers: IncomingHttpHeaders = { "x-forwarded-for": "203.0.113.9, 192.0.2.50", "x-forwarded-host": "dojo.example", "x-forwarded-proto": "https", "x-real-ip": "1.2.3.4" };
    trustForwarding(headers, "10.0.0.2", 1);
    expect(headers).toEqual({ "x-forwarded-for": "192.0.2.50", "x-forwarded-host": "dojo.example", "x-forwarded-proto": "https" });
  });

  it("behind a proxy that sent no X-Forwarded-For, the client is the connection", () => {
    const headers: IncomingHttpHeaders = {};
    trustForwarding(headers, "10.0.0.2", 1);
    expect(headers["x-forwarded-for"]).toBe("10.0.0.2");
  });
});

describe("forwardedClient", () => {
  it("counts trusted hops from the right", () => {
    expect(forwardedClient("10.0.0.3", "client, 10.0.0.2", 2)).toBe("client");
    expect(forwardedClient("10.0.0.3", "forged, client, 10.0.0.2", 2)).toBe("client");
    // More hops configured than there are: the leftmost entry (a misconfiguration, documented).
    expect(forwardedClient("10.0.0.3", "a", 5)).toBe("a");
    expect(forwardedClient("10.0.0.3", "a, b", 0)).toBe("10.0.0.3");
  });
});

describe("addressKey", () => {
  it("keeps IPv4, folds IPv4-mapped IPv6 onto it, and groups IPv6 by /64", () => {
    expect(addressKey("192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("[2001:db8:1:2::5]")).toBe("2001:db8:1:2::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("")).toBe("unknown");
    expect(addressKey("x".repeat(300))).toHaveLength(64);
  });

  it("reads a request's client from the X-Forwarded-For the web server left", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
