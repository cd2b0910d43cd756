import type { NextRequest } from "next/server";
import { webConfig } from "../shared/config";

/**
 * Where the browser reaches the sandbox service: SANDBOX_PUBLIC_URL when set, otherwise
 * the host name the browser used for this page with SANDBOX_PORT, so the platform works
 * on localhost and from other machines in a workshop room alike.
 */
export function sandboxUrlFor(request: { host: string | null; protocol: string }, publicUrl: string | undefined, port: number): string {
  if (publicUrl) return publicUrl.replace(/\/$/, "");
  const hostHeader = request.host ?? "localhost";
  // Strip the web app's port, keeping IPv6 brackets intact.
  const hostname = hostHeader.startsWith("[") ? hostHeader.slice(0, hostHeader.indexOf("]") + 1) : hostHeader.split(":")[0];
  const protocol = request.protocol === "https" ? "https" : "http";
  return `${protocol}://${hostname || "localhost"}:${port}`;
}

/** sandboxUrlFor the page's own request, with the platform's settings. */
export function sandboxUrlOf(request: NextRequest): string {
  const settings = webConfig();
  return sandboxUrlFor(
    { host: request.headers.get("x-forwarded-host") ?? request.headers.get("host"), protocol: request.nextUrl.protocol.replace(":", "") },
    settings.SANDBOX_PUBLIC_URL,
    settings.SANDBOX_PORT,
  );
}
