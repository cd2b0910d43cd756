/**
 * Which agent gets a learner (pure): the one already holding their sandbox for this lesson
 * while it lives; else the live, non-draining agent with the most free places, counting
 * the placements it has not reported yet (free places are as of its last heartbeat, a few
 * seconds old, and a roomful of learners arrives within them).
 */
export interface PlacementCandidate {
  id: string;
  capacity: number;
  freePlaces: number;
  draining: boolean;
  /** Placements made on it since its last heartbeat. */
  placedSince: number;
}

export function chooseAgent(candidates: PlacementCandidate[], current: string | null): string | null {
  // Where the learner's sandbox is, even on a draining agent: it finishes its sandboxes' lifetimes.
  if (current && candidates.some((c) => c.id === current)) return current;
  const open = candidates.filter((c) => !c.draining);
  if (open.length === 0) return null;
  const free = (c: PlacementCandidate) => c.freePlaces - c.placedSince;
  // The most free places first; among equals the most free in proportion, then by id (stable).
  const ranked = [...open].sort((a, b) => free(b) - free(a) || free(b) / b.capacity - free(a) / a.capacity || a.id.localeCompare(b.id));
  // All full: the least full still takes the learner, who waits in its line for a place.
  return ranked[0]!.id;
}
