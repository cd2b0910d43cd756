/**
 * Labels on every Docker object the service creates. They are the service's memory:
 * after a crash or restart, sandboxes are re-adopted (or reaped) from labels alone.
 */
export const LABELS = {
  managed: "dojo.managed",
  /** Which platform instance owns it (config DOJO_INSTANCE); the reaper never crosses instances. */
  instance: "dojo.instance",
  learner: "dojo.learner",
  lesson: "dojo.lesson",
  template: "dojo.template",
  /** ISO 8601 creation time; the maximum lifetime counts from it. */
  created: "dojo.created",
} as const;

/** Who a sandbox belongs to and what it is for. */
export interface SandboxOwner {
  learner: string;
  lesson: string;
  template: string;
}

/** The labels that select every object of one platform instance. */
export function instanceSelector(instance: string): Record<string, string> {
  return { [LABELS.managed]: "true", [LABELS.instance]: instance };
}

export function sandboxLabels(instance: string, owner: SandboxOwner, createdAt: Date): Record<string, string> {
  return {
    ...instanceSelector(instance),
    [LABELS.learner]: owner.learner,
    [LABELS.lesson]: owner.lesson,
    [LABELS.template]: owner.template,
    [LABELS.created]: createdAt.toISOString(),
  };
}

/** Owner and creation time from a container's labels, or null when any is missing or bad. */
export function readSandboxLabels(labels: Record<string, string>): { owner: SandboxOwner; createdAt: Date } | null {
  const learner = labels[LABELS.learner];
  const lesson = labels[LABELS.lesson];
  const template = labels[LABELS.template];
  const created = labels[LABELS.created];
  if (!learner || !lesson || !template || !created) return null;
  const createdAt = new Date(created);
  if (Number.isNaN(createdAt.getTime())) return null;
  return { owner: { learner, lesson, template }, createdAt };
}
