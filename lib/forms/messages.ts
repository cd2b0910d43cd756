/**
 * What went wrong with a form (accounts, workshops), as a code in the URL it redirects back to and a
 * sentence on the page. Codes (not sentences) travel in the URL, so nobody can craft a
 * link that makes this site display text of their choosing.
 */
import { GUESS_WINDOW_MINUTES, SIGN_IN_PER_EMAIL } from "../attempt-limits";
import { MAX_PINNED_AGENTS } from "../../shared/placement";

export const FORM_ERRORS = {
  "invalid-email": "That does not look like an email address.",
  "short-password": "A password needs at least 10 characters.",
  "long-password": "A password can be at most 256 characters long.",
  "email-taken": "There is already an account with that email address. Sign in instead.",
  "instructor-code": "The instructor sign-up code is wrong. Ask whoever runs this platform for it.",
  "wrong-credentials": "The email or the password is wrong.",
  "too-many-attempts": `Too many failed sign-ins (${SIGN_IN_PER_EMAIL.max} in ${GUESS_WINDOW_MINUTES} minutes). Wait ${GUESS_WINDOW_MINUTES} minutes and try again.`,
  "too-many-instructor-codes": `Too many wrong instructor sign-up codes were tried from your network. Wait ${GUESS_WINDOW_MINUTES} minutes and try again, with the code from whoever runs this platform.`,
  "too-many-join-codes": `Too many wrong workshop codes were tried from your network. Wait ${GUESS_WINDOW_MINUTES} minutes and try again, or open the join link your instructor shares.`,
  "cross-site": "This form was sent from another website, so it was ignored. Use the form on this page.",
  "name-empty": "A display name cannot be empty.",
  "name-too-long": "A display name can be at most 40 characters long.",
  "name-characters": "A display name cannot contain control characters or angle brackets.",
  "forged-learner": "Your learner cookie was not issued by this platform, so it has been cleared. Reload the page to continue.",
  "workshop-title": "A workshop needs a title of at most 80 characters.",
  "workshop-lessons": "Pick at least one lesson for the workshop.",
  "workshop-capacity": "Capacity must be a whole number of learners from 1 to 200.",
  "workshop-times": "The workshop must close after it opens, and last at most 24 hours.",
  "workshop-agents": `Machines are named by agent ids (letters, digits, '.', '_' and '-', at most 63 each), separated by commas: at most ${MAX_PINNED_AGENTS}. Leave the field empty to use any machine.`,
  "workshop-unknown-agents": "One of those machines is not registered with this platform. Use the agent ids listed under the field, or leave it empty to use any machine.",
  "unknown-code": "There is no workshop with that code. Check it with your instructor.",
  "not-open-yet": "This workshop has not opened yet. Try again when your instructor says so.",
  "closed": "This workshop is over, so it cannot be joined any more.",
  "full": "This workshop is full. Ask your instructor to make room.",
  "try-again": "Something went wrong on our side, and nothing was changed. Please send the form again in a moment.",
} as const;

export type FormErrorCode = keyof typeof FORM_ERRORS;

export function formErrorMessage(code: string | undefined): string | null {
  return code !== undefined && Object.hasOwn(FORM_ERRORS, code) ? FORM_ERRORS[code as FormErrorCode] : null;
}

/** Which display-name rule a refused name broke (shared/db/learners.ts has the rules). */
export function displayNameError(name: string): FormErrorCode {
  const trimmed = name.trim();
  if (trimmed.length === 0) return "name-empty";
  return trimmed.length > 40 ? "name-too-long" : "name-characters";
}
