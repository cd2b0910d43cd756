/**
 * What crosses the port proxy between a visitor's browser and a learner's app, and what
 * never does. The app is hostile: it must never see a credential of the visitor (an
 * instructor who opens a learner's link is signed in to the platform) nor write one.
 *
 * Requests: no Cookie at all (the platform's cookies, and the proxy's own access cookie,
 * which the proxy reads before forwarding), no Authorization or Proxy-Authorization, and
 * no forwarding headers the visitor made up (the proxy sets its own).
 * Responses: no Set-Cookie naming a platform cookie (a page on `x.ports.example.org` may
 * set cookies for the parent domain `example.org`, the platform's), and no
 * Clear-Site-Data (its "cookies" directive clears every cookie of the registrable domain:
 * an app could sign its visitor out of the platform, or lose an anonymous learner's progress).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { PLATFORM_COOKIES } from "../../../shared/cookies";

const DROPPED_REQUEST_HEADERS = new Set([
  "cookie",
  "authorization",
  "proxy-authorization",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-prefix",
  "x-real-ip",
]);

const DROPPED_RESPONSE_HEADERS = new Set(["clear-site-data"]);

const PLATFORM_NAMES = new Set(PLATFORM_COOKIES.map((name) => name.toLowerCase()));

/** The request headers the app receives: the visitor's, minus credentials, plus `set`. */
export function appRequestHeaders(headers: IncomingHttpHeaders, set: Record<string, string>): OutgoingHttpHeaders {
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !DROPPED_REQUEST_HEADERS.has(name.toLowerCase())));
  return { ...kept, ...set };
}

/**
 * The name a browser would give the cookie of a Set-Cookie value (RFC 6265bis 5.6): the
 * text before the first "=" of the part before the first ";", trimmed; none without "=".
 */
export function setCookieName(value: string): string {
  const pair = value.split(";", 1)[0]!;
  const equals = pair.indexOf("=");
  return equals < 0 ? "" : pair.slice(0, equals).trim();
}

/**
 * Whether a cookie name is, or could pass for, a platform cookie: compared without case
 * and without the `__Host-`/`__Secure-` prefixes. A nameless cookie counts too: browsers
 * send it as a bare value (`Cookie: dojo_learner`), which servers read as that name.
 */
export function isPlatformCookieName(name: string): boolean {
  const bare = name.toLowerCase().replace(/^__(host|secure)-/, "");
  return bare === "" || PLATFORM_NAMES.has(bare);
}

/** The app's Set-Cookie values a browser may receive. */
export function passableSetCookies(values: readonly string[]): string[] {
  return values.filter((value) => !isPlatformCookieName(setCookieName(value)));
}

/** The app's response headers (parsed form) a browser may receive. */
export function browserResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (DROPPED_RESPONSE_HEADERS.has(name)) continue;
    if (name === "set-cookie") {
      const cookies = passableSetCookies(value as string[]);
      if (cookies.length) kept[name] = cookies;
    } else {
      kept[name] = value;
    }
  }
  return kept;
}

/** The same for raw header lines (`[name, value, name, value…]`), as a WebSocket handshake's answer is relayed. */
export function browserRawHeaders(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (DROPPED_RESPONSE_HEADERS.has(name)) continue;
    if (name === "set-cookie" && isPlatformCookieName(setCookieName(value))) continue;
    kept.push(raw[i]!, value);
  }
  return kept;
}
