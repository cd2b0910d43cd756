/**
 * Learners' web apps opened in the browser through the port proxy, against the real
 * engine: a hostile app in a `shell` sandbox (support/hostile-app.py) tries to read the
 * visitor's cookies and credentials and to set or clear the platform's cookies, over HTTP
 * and WebSocket; links are tried twice, by other learners, and in their old form.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS, type Ack } from "../../shared/protocol";
import { signPortSession } from "../../shared/token";
import type { RunningService } from "../src/service";
import { engine, readyLearner, removeInstance, SECRET, startService, testConfig, token } from "./support/harness";
import { portGet, portUpgrade, readUntil, type PortAnswer } from "./support/port-client";

type ReadyLearner = Awaited<ReturnType<typeof readyLearner>>;

const APP_PORT = 8000;
const PLATFORM_COOKIES = "dojo_learner=learner-cookie.signature; dojo_session=session-secret-of-the-visitor";

const config = testConfig();
let service: RunningService;
let alice: ReadyLearner;
let bob: ReadyLearner;

async function link(learner: ReadyLearner, port = APP_PORT): Promise<string> {
  const answer = await learner.request<{ url: string }>(EVENTS.sandboxPortLink, { port });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.url;
}

/** Follows a fresh link as a browser does: the access cookie it sets, and the clean address. */
async function enter(learner: ReadyLearner, port = APP_PORT): Promise<{ cookie: string; origin: string }> {
  const url = await link(learner, port);
  const granted = await portGet(url);
  expect(granted.status).toBe(302);
  return { cookie: granted.headers["set-cookie"]![0]!.split(";")[0]!, origin: new URL(url).origin };
}

function seen(answer: PortAnswer | string): { path: string; headers: Record<string, string> } {
  return JSON.parse(typeof answer === "string" ? answer : answer.body);
}

beforeAll(async () => {
  service = await startService(config);
  [alice, bob] = await Promise.all([readyLearner(service.port), readyLearner(service.port)]);
  const app = readFileSync(path.join(import.meta.dirname, "support", "hostile-app.py"));
  await engine.writeFiles(alice.sandbox.id, "/tmp", [{ name: "app.py", type: "file", mode: 0o644, uid: 0, gid: 0, content: app }]);
  // Started the learner's way, in the background of their shell; ready once it answers inside the sandbox.
  await alice.run(`(python3 /tmp/app.py ${APP_PORT} >/tmp/app.log 2>&1 &)`);
  const ready = await alice.run(`for i in $(seq 1 100); do curl -s -o /dev/null localhost:${APP_PORT}/headers && break; sleep 0.1; done; curl -s -o /dev/null -w 'http=%{http_code}' localhost:${APP_PORT}/headers`);
  expect(ready).toBe("http=200");
});
afterAll(async () => {
  alice?.close();
  bob?.close();
  await service?.close();
  await removeInstance(config.DOJO_INSTANCE);
});

describe("port links", () => {
  it("open the app on an origin of its own per sandbox and port, through a one-use grant", async () => {
    const url = await link(alice);
    const origin = `http://${alice.sandbox.id.slice(0, 12)}-${APP_PORT}.ports.localhost:${service.port}`;
    expect(url.startsWith(`${origin}/?dojo-grant=`)).toBe(true);

    // Without the grant or its cookie: refused, in a sentence.
    const stranger = await portGet(`${origin}/`);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toContain("Open it with the link on your lesson page");

    // The grant becomes an access cookie for this origin only, and a redirect to the clean address.
    const granted = await portGet(url);
    expect(granted.status).toBe(302);
    expect(granted.headers.location).toBe("/");
    const setCookie = granted.headers["set-cookie"]!;
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^dojo_port=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(setCookie[0]).not.toMatch(/domain=/i);
    const cookie = setCookie[0]!.split(";")[0]!;
    const page = await portGet(`${origin}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain("hostile app");

    // A second use of the same link by anyone else (no cookie): refused.
    const again = await portGet(url);
    expect(again.status).toBe(403);
    expect(again.body).toContain("This link has already been used");
    expect(again.headers["set-cookie"]).toBeUndefined();
    // The visitor who used it, reloading it: let through to the clean address, with no new cookie.
    const reload = await portGet(url, { cookie });
    expect(reload.status).toBe(302);
    expect(reload.headers.location).toBe("/");
    expect(reload.headers["set-cookie"]).toBeUndefined();
  });

  it("refuse forged and edited grants", async () => {
    const url = new URL(await link(alice));
    const grant = url.searchParams.get("dojo-grant")!;
    const [body, signature] = grant.split(".");
    const claims = JSON.parse(Buffer.from(body!, "base64url").toString());
    for (const forged of [
      `${Buffer.from(JSON.stringify({ ...claims, port: 8001 })).toString("base64url")}.${signature}`,
      `${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString("base64url")}.${signature}`,
      "garbage",
      "x".repeat(5000),
    ]) {
      url.searchParams.set("dojo-grant", forged);
      const answer = await portGet(url.toString());
      expect(answer.status).toBe(403);
      expect(answer.body).toContain("This link has expired");
    }
  });

  it("never let the app see the visitor's cookies or credentials", async () => {
    const { cookie, origin } = await enter(alice);
    const answer = await portGet(`${origin}/headers?x=1`, {
      cookie: `${PLATFORM_COOKIES}; ${cookie}; theme=dark`,
      authorization: "Bearer platform-token",
      "proxy-authorization": "Basic cGxhdGZvcm06c2VjcmV0",
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-host": "localhost:3000",
    });
    // Served (so the proxy read its access cookie) …
    expect(answer.status).toBe(200);
    const { path: asked, headers } = seen(answer);
    expect(asked).toBe("/headers?x=1");
    // … and forwarded without any cookie, credential or made-up forwarding header.
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers["proxy-authorization"]).toBeUndefined();
    expect(headers["x-forwarded-for"]).toBeUndefined();
    expect(headers["x-forwarded-host"]).toBe(new URL(origin).host);
    expect(headers.host).toBe(`127.0.0.1:${APP_PORT}`);
    expect(answer.body).not.toMatch(/dojo_|session-secret|platform-token/);
  });

  it("never pass the app's Set-Cookie for a platform cookie, nor its Clear-Site-Data", async () => {
    const { cookie, origin } = await enter(alice);
    const answer = await portGet(`${origin}/`, { cookie });
    expect(answer.status).toBe(200);
    // The app sent seven cookies (support/hostile-app.py): only its own reaches the browser.
    expect(answer.headers["set-cookie"]).toEqual(["app_cookie=fine; Path=/"]);
    expect(answer.headers["clear-site-data"]).toBeUndefined();
  });

  it("apply the same rules to WebSocket upgrades, both ways", async () => {
    const { cookie, origin } = await enter(alice);
    const answer = await portUpgrade(`${origin}/live`, { cookie: `${PLATFORM_COOKIES}; ${cookie}`, authorization: "Bearer platform-token" });
    expect(answer.status).toBe(101);
    if (answer.status !== 101 || !("socket" in answer)) return;
    try {
      expect(answer.headers["set-cookie"]).toEqual(["app_cookie=fine; Path=/"]);
      expect(answer.headers["clear-site-data"]).toBeUndefined();
      // The app's first line: the request headers it was sent.
      const first = await readUntil(answer.socket, answer.head, (text) => text.includes("\n"));
      const { path: asked, headers } = seen(first.slice(0, first.indexOf("\n")));
      expect(asked).toBe("/live");
      expect(headers.upgrade).toBe("websocket");
      expect(headers.cookie).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
      // Then the stream is the app's, both ways.
      answer.socket.write("ping-through-the-proxy");
      await readUntil(answer.socket, Buffer.alloc(0), (text) => text.includes("ping-through-the-proxy"));
    } finally {
      answer.socket.destroy();
    }
  });

  it("refuse WebSocket upgrades without access, in a sentence", async () => {
    const origin = `http://${alice.sandbox.id.slice(0, 12)}-${APP_PORT}.ports.localhost:${service.port}`;
    const answer = await portUpgrade(`${origin}/live`, { cookie: PLATFORM_COOKIES });
    expect(answer.status).toBe(403);
    expect("body" in answer && answer.body).toContain("Open it with the link on your lesson page");
  });

  it("open nothing for another learner, another port, or a cookie of another learner", async () => {
    const aliceOrigin = `http://${alice.sandbox.id.slice(0, 12)}-${APP_PORT}.ports.localhost:${service.port}`;
    // Bob's own access cookie (for his sandbox's port 8000) does not open Alice's.
    const bobs = await enter(bob);
    expect(bobs.origin).not.toBe(aliceOrigin);
    expect((await portGet(`${aliceOrigin}/`, { cookie: bobs.cookie })).status).toBe(403);
    expect((await portUpgrade(`${aliceOrigin}/live`, { cookie: bobs.cookie })).status).toBe(403);
    // Alice's cookie opens her port 8000 and nothing else.
    const alices = await enter(alice);
    const otherPort = `http://${alice.sandbox.id.slice(0, 12)}-8001.ports.localhost:${service.port}`;
    expect((await portGet(`${otherPort}/`, { cookie: alices.cookie })).status).toBe(403);
    // An access cookie must name the sandbox's current owner: one signed for Bob on Alice's sandbox is refused.
    const forBob = signPortSession({ sandboxId: alice.sandbox.id, port: APP_PORT, sub: bob.learnerId, exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);
    expect((await portGet(`${aliceOrigin}/`, { cookie: `dojo_port=${forBob}` })).status).toBe(403);
    // A sibling origin may set a second dojo_port for the parent domain: Alice's own still opens her app.
    expect((await portGet(`${aliceOrigin}/`, { cookie: `${bobs.cookie}; ${alices.cookie}` })).status).toBe(200);
  });

  it("no longer serve apps on the platform's own origin (the old /ports/ path)", async () => {
    const { cookie } = await enter(alice);
    const old = `http://127.0.0.1:${service.port}/ports/${alice.sandbox.id.slice(0, 12)}/${APP_PORT}/`;
    const answer = await portGet(old, { cookie });
    expect(answer.status).toBe(404);
    expect(answer.body).toContain("now open on an address of their own");
    expect(answer.body).not.toContain("hostile app");
    const upgrade = await portUpgrade(old, { cookie });
    expect(upgrade.status).toBe(404);
    expect("body" in upgrade && upgrade.body).toContain("open on an address of their own");
  });

  it("leave an app's own /socket.io/ path to the app: the platform's socket answers only on its own origin", async () => {
    const { cookie, origin } = await enter(alice);
    const answer = await portGet(`${origin}/socket.io/?EIO=4&transport=polling`, { cookie });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("hostile app");
  });

  it("send the app's redirects to its own loopback address to its public origin", async () => {
    const { cookie, origin } = await enter(alice);
    const answer = await portGet(`${origin}/redirect`, { cookie });
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(`${origin}/headers`);
  });

  it("say in a sentence when nothing listens, or when an address names no sandbox", async () => {
    const { cookie, origin } = await enter(alice, 5999);
    const nothing = await portGet(`${origin}/`, { cookie });
    expect(nothing.status).toBe(502);
    expect(nothing.body).toContain("Nothing answers on port 5999 in your sandbox");
    for (const host of [`000000000000-${APP_PORT}.ports.localhost`, "not-a-sandbox.ports.localhost", `${alice.sandbox.id.slice(0, 12)}-99999.ports.localhost`]) {
      const answer = await portGet(`http://127.0.0.1:${service.port}/`, { host: `${host}:${service.port}` });
      expect(answer.status, host).toBe(404);
      expect(answer.body).toContain("This sandbox does not exist any more");
    }
  });

  it("are refused in a sentence to a browser that cannot reach *.ports.localhost (a learner on another machine)", async () => {
    const socket = io(`http://127.0.0.1:${service.port}`, {
      transports: ["websocket"],
      auth: { token: token({ sub: alice.learnerId }) },
      extraHeaders: { host: `192.168.1.20:${service.port}` },
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      const opened = (await socket.timeout(30_000).emitWithAck(EVENTS.sandboxOpen, {})) as Ack<unknown>;
      expect(opened.ok).toBe(true);
      const answer = (await socket.timeout(30_000).emitWithAck(EVENTS.sandboxPortLink, { port: APP_PORT })) as Ack<{ url: string }>;
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.message).toContain("only work in a browser on the platform's own machine");
    } finally {
      socket.disconnect();
    }
  });
});
