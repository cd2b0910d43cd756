/**
 * The names of every cookie the platform sets, in one place, because the port proxy must
 * recognise them: a learner's web app is never sent them and may never set them
 * (sandbox-service/src/ports). A new platform cookie belongs in PLATFORM_COOKIES.
 */

/** The anonymous learner (lib/learner.ts): a signed id, HTTP-only, on the web app's host. */
export const LEARNER_COOKIE = "dojo_learner";
/** A signed-in account's session (lib/auth/session.ts), HTTP-only, on the web app's host. */
export const SESSION_COOKIE = "dojo_session";
/** The port proxy's own access cookie, host-only on one sandbox port's origin. */
export const PORT_ACCESS_COOKIE = "dojo_port";

export const PLATFORM_COOKIES: readonly string[] = [LEARNER_COOKIE, SESSION_COOKIE, PORT_ACCESS_COOKIE];
