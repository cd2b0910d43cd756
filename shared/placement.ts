/**
 * Which agent gets a learner (pure): the one already holding their sandbox for this lesson
 * while it lives; else the live, non-draining agent with the most free places, counting
 * the placements it has not reported yet (free places are as of its last heartbeat, a few
 * seconds old, and a roomful of learners arrives within them). A workshop pinned to agents
 * (its `agents`) places its learners only on those.
 */
import { agentIdSchema } from "./ids";

export interface PlacementCandidate {
  id: string;
  capacity: number;
  freePlaces: number;
  draining: boolean;
  /** Placements made on it since its last heartbeat. */
  placedSince: number;
}

/**
 * `allowed`: the only agents this learner may be placed on (a pinned workshop); empty: any.
 * Null when no candidate may take them (none live, all draining, or none of the allowed).
 */
export function chooseAgent(candidates: PlacementCandidate[], current: string | null, allowed: readonly string[] = []): string | null {
  const eligible = allowed.length === 0 ? candidates : candidates.filter((c) => allowed.includes(c.id));
  // Where the learner's sandbox is, even on a draining agent: it finishes its sandboxes' lifetimes.
  // (Not when the workshop is pinned elsewhere: the learner moves to one of its agents.)
  if (current && eligible.some((c) => c.id === current)) return current;
  const open = eligible.filter((c) => !c.draining);
  if (open.length === 0) return null;
  const free = (c: PlacementCandidate) => c.freePlaces - c.placedSince;
  // The most free places first; among equals the most free in proportion, then by id (stable).
  const ranked = [...open].sort((a, b) => free(b) - free(a) || free(b) / b.capacity - free(a) / a.capacity || a.id.localeCompare(b.id));
  // All full: the least full still takes the learner, who waits in its line for a place.
  return ranked[0]!.id;
}

/** At most this many agents may be named for one workshop. */
export const MAX_PINNED_AGENTS = 20;

/**
 * The agents an instructor typed for a workshop ("node-a, node-b"; commas or spaces
 * between), without repeats; [] for an empty field (any agent). Null when one is not an
 * agent id (shared/ids.ts) or there are more than MAX_PINNED_AGENTS. Whether they are
 * registered is for the caller to check.
 */
export function parseAgentPins(text: string): string[] | null {
  const ids = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  if (ids.length > MAX_PINNED_AGENTS || ids.some((id) => !agentIdSchema.safeParse(id).success)) return null;
  return ids;
}
