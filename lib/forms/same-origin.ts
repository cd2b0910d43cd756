/**
 * CSRF protection for form posts: a state-changing request must come from a page of this
 * site. Browsers send Origin on every cross-site POST and cannot be made to lie about it,
 * so a post whose Origin names another site is refused (the check Next.js applies to
 * server actions). Session cookies are also SameSite=Lax, which stops cross-site posts
 * from carrying them in the first place.
 */
import type { NextRequest } from "next/server";

export function isSameOrigin(request: NextRequest): boolean {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const origin = request.headers.get("origin");
  if (origin) {
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  // No Origin (very old browsers, some privacy modes): fall back to Fetch Metadata.
  const site = request.headers.get("sec-fetch-site");
  return site === "same-origin" || site === "none";
}
