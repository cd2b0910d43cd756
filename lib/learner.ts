/** The anonymous learner behind a request: a signed, HTTP-only cookie holding a random id. */
import { LEARNER_COOKIE } from "../shared/cookies";
import { newLearnerId, readLearnerCookie, signLearnerCookie } from "../shared/token";

export { LEARNER_COOKIE };
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export type LearnerLookup =
  | { kind: "known"; id: string }
  | { kind: "new"; id: string; cookie: string }
  | { kind: "forged" };

/** Who the cookie names; a missing cookie makes a new learner, a forged one is refused. */
export function identifyLearner(cookieValue: string | undefined, secret: string): LearnerLookup {
  if (!cookieValue) {
    const id = newLearnerId();
    return { kind: "new", id, cookie: signLearnerCookie(id, secret) };
  }
  const id = readLearnerCookie(cookieValue, secret);
  return id ? { kind: "known", id } : { kind: "forged" };
}

export function learnerCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge: ONE_YEAR_SECONDS };
}
