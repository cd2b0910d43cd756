/**
 * What Docker remembers about a sandbox: the service keeps no other state, so after a
 * crash or restart every sandbox is re-adopted (or reaped) from this alone.
 *
 * - Immutable facts are labels, set at creation: `dojo.managed`, `dojo.instance` (which
 *   platform instance owns it; the reaper never crosses instances), `dojo.template`,
 *   `dojo.created`.
 * - The claim (learner, lesson, when it was claimed, when it expires) changes after
 *   creation — a warm-pool sandbox is claimed, a learner extends their time — and Docker
 *   labels cannot change. So the claim is the container's *name*, changed atomically by a
 *   rename:
 *
 *     dojo-shell-3fa2c1d4                                       unclaimed (warm pool)
 *     dojo-shell-3fa2c1d4.<learner>.<lesson>.<claimed>.<expires> claimed; times in base-36 seconds
 */
import { ID_PATTERNS } from "../../../shared/ids";
export const LABELS = {
  managed: "dojo.managed",
  instance: "dojo.instance",
  template: "dojo.template",
  created: "dojo.created",
} as const;

/** Who a sandbox belongs to and what it is for. */
export interface SandboxOwner {
  learner: string;
  lesson: string;
  template: string;
}

export interface SandboxClaim {
  learner: string;
  lesson: string;
  claimedAt: Date;
  expiresAt: Date;
}

export interface SandboxIdentity {
  template: string;
  /** Random part of the name; the hostname is `<template>-<short>`. */
  short: string;
  createdAt: Date;
  /** Absent for an unclaimed (warm pool) sandbox. */
  claim?: SandboxClaim;
}

/** The labels that select every object of one platform instance. */
export function instanceSelector(instance: string): Record<string, string> {
  return { [LABELS.managed]: "true", [LABELS.instance]: instance };
}

export function sandboxLabels(instance: string, template: string, createdAt: Date): Record<string, string> {
  return { ...instanceSelector(instance), [LABELS.template]: template, [LABELS.created]: createdAt.toISOString() };
}

export function hostnameOf(identity: Pick<SandboxIdentity, "template" | "short">): string {
  return `${identity.template}-${identity.short}`;
}

/** Claim times are kept to the second, as the container name stores them. */
export function wholeSecond(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

const seconds36 = (date: Date) => Math.floor(date.getTime() / 1000).toString(36);
const fromSeconds36 = (text: string) => new Date(parseInt(text, 36) * 1000);

export function containerName(identity: Pick<SandboxIdentity, "template" | "short" | "claim">): string {
  const base = `dojo-${identity.template}-${identity.short}`;
  const claim = identity.claim;
  if (!claim) return base;
  return `${base}.${claim.learner}.${claim.lesson}.${seconds36(claim.claimedAt)}.${seconds36(claim.expiresAt)}`;
}

const NAME = new RegExp(
  `^dojo-(${ID_PATTERNS.template})-([a-f0-9]{8})(?:\\.(${ID_PATTERNS.learner})\\.(${ID_PATTERNS.lessonSlug})\\.([a-z0-9]+)\\.([a-z0-9]+))?$`,
);

/** A sandbox's identity from its name and labels, or null when they are not ours or damaged. */
export function readIdentity(name: string, labels: Record<string, string>): SandboxIdentity | null {
  const match = NAME.exec(name);
  const created = new Date(labels[LABELS.created] ?? "");
  if (!match || Number.isNaN(created.getTime()) || labels[LABELS.template] !== match[1]) return null;
  const [, template, short, learner, lesson, claimedAt, expiresAt] = match;
  const identity: SandboxIdentity = { template: template!, short: short!, createdAt: created };
  if (learner && lesson && claimedAt && expiresAt) {
    identity.claim = { learner, lesson, claimedAt: fromSeconds36(claimedAt), expiresAt: fromSeconds36(expiresAt) };
  }
  return identity;
}
