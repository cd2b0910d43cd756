import { describe, expect, it } from "vitest";
import { appRequestHeaders, browserRawHeaders, browserResponseHeaders, isPlatformCookieName, passableSetCookies, setCookieName } from "./app-headers";

describe("what a learner's app receives", () => {
  it("never a cookie, an authorization or a forwarding header the visitor made up", () => {
    const headers = appRequestHeaders(
      {
        host: "3fa2c1d4e5f6-5000.ports.localhost:4000",
        cookie: "dojo_learner=abc.def; dojo_session=secret; dojo_port=grant; app=1",
        authorization: "Bearer platform",
        "proxy-authorization": "Basic eA==",
        forwarded: "for=1.2.3.4",
        "x-forwarded-for": "1.2.3.4",
        "x-forwarded-host": "localhost:3000",
        "x-real-ip": "1.2.3.4",
        accept: "text/html",
        "user-agent": "test",
      },
      { host: "127.0.0.1:5000", "x-forwarded-proto": "http" },
    );
    expect(headers).toEqual({ host: "127.0.0.1:5000", "x-forwarded-proto": "http", accept: "text/html", "user-agent": "test" });
  });
});

describe("what the visitor's browser receives from a learner's app", () => {
  it("reads cookie names as a browser does", () => {
    expect(setCookieName("dojo_learner=evil; Path=/")).toBe("dojo_learner");
    expect(setCookieName("  dojo_learner \t= evil")).toBe("dojo_learner");
    expect(setCookieName("dojo_learner")).toBe("");
    expect(setCookieName("a=b=c")).toBe("a");
    expect(setCookieName("; dojo_learner=evil")).toBe("");
  });

  it("no Set-Cookie for a platform cookie, however it is spelt", () => {
    for (const name of ["dojo_learner", "dojo_session", "dojo_port", "DOJO_Learner", "__Host-dojo_session", "__secure-dojo_learner", ""]) {
      expect(isPlatformCookieName(name), name).toBe(true);
    }
    for (const name of ["session", "dojo_learner2", "my_dojo_port", "flask-session"]) expect(isPlatformCookieName(name), name).toBe(false);
    expect(
      passableSetCookies([
        "dojo_learner=evil; Domain=localhost; Path=/",
        " dojo_session = evil",
        "dojo_port=forged; Path=/",
        "__Host-dojo_session=evil; Secure; Path=/",
        "dojo_learner",
        "theme=dark; Path=/",
        "session=abc; HttpOnly",
      ]),
    ).toEqual(["theme=dark; Path=/", "session=abc; HttpOnly"]);
  });

  it("no Clear-Site-Data, which would clear the platform's cookies of the whole domain", () => {
    const headers = browserResponseHeaders({
      "content-type": "text/html",
      "clear-site-data": '"cookies"',
      "set-cookie": ["dojo_learner=evil", "theme=dark"],
    });
    expect(headers).toEqual({ "content-type": "text/html", "set-cookie": ["theme=dark"] });
    expect(browserResponseHeaders({ "set-cookie": ["dojo_session=evil"] })).toEqual({});
  });

  it("the same for a WebSocket handshake's raw headers", () => {
    expect(
      browserRawHeaders(["Upgrade", "websocket", "Set-Cookie", "dojo_learner=evil", "Clear-Site-Data", "*", "SET-COOKIE", "app=fine", "Connection", "Upgrade"]),
    ).toEqual(["Upgrade", "websocket", "SET-COOKIE", "app=fine", "Connection", "Upgrade"]);
  });
});
