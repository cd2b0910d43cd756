/**
 * What went wrong with an account form, as a code in the URL it redirects back to and a
 * sentence on the page. Codes (not sentences) travel in the URL, so nobody can craft a
 * link that makes this site display text of their choosing.
 */
import { MAX_FAILURES_PER_EMAIL, SIGN_IN_WINDOW_MINUTES } from "./sign-in-limit";

export const AUTH_ERRORS = {
  "invalid-email": "That does not look like an email address.",
  "short-password": "A password needs at least 10 characters.",
  "long-password": "A password can be at most 256 characters long.",
  "email-taken": "There is already an account with that email address. Sign in instead.",
  "instructor-code": "The instructor sign-up code is wrong. Ask whoever runs this platform for it.",
  "wrong-credentials": "The email or the password is wrong.",
  "too-many-attempts": `Too many failed sign-ins (${MAX_FAILURES_PER_EMAIL} in ${SIGN_IN_WINDOW_MINUTES} minutes). Wait ${SIGN_IN_WINDOW_MINUTES} minutes and try again.`,
  "cross-site": "This form was sent from another website, so it was ignored. Use the form on this page.",
  "name-empty": "A display name cannot be empty.",
  "name-too-long": "A display name can be at most 40 characters long.",
  "name-characters": "A display name cannot contain control characters or angle brackets.",
  "forged-learner": "Your learner cookie was not issued by this platform, so it has been cleared. Reload the page to continue.",
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;

export function authErrorMessage(code: string | undefined): string | null {
  return code !== undefined && Object.hasOwn(AUTH_ERRORS, code) ? AUTH_ERRORS[code as AuthErrorCode] : null;
}
