/** A workshop's results as CSV: one row per learner, with when each step was passed. */
import type { Database } from "../shared/db/client";
import { seatsOf, workshopCompletions, type Workshop } from "../shared/db/workshops";
import type { Lesson } from "../shared/lessons/loader";

/** Quotes a field, and defuses spreadsheet formulas (a display name like "=HYPERLINK(…)"). */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function workshopResultsCsv(db: Database, workshop: Workshop, lessons: Lesson[]): Promise<string> {
  const steps = workshop.lessons.flatMap((slug) => lessons.find((l) => l.meta.slug === slug)?.meta.steps.map((s) => ({ lesson: slug, step: s.id })) ?? []);
  const [seats, completions] = await Promise.all([seatsOf(db, workshop.id), workshopCompletions(db, workshop)]);
  const passedAt = new Map(completions.map((c) => [`${c.learnerId}/${c.lesson}/${c.step}`, c.passedAt]));
  const header = ["learner", "joined_at", "steps_passed", "steps_total", "last_passed_at", ...steps.map((s) => `${s.lesson}/${s.step}`)];
  const rows = seats.map((seat) => {
    const times = steps.map((s) => passedAt.get(`${seat.learnerId}/${s.lesson}/${s.step}`));
    const done = times.filter((t): t is Date => t !== undefined);
    const last = done.reduce<Date | undefined>((latest, t) => (!latest || t > latest ? t : latest), undefined);
    return [seat.displayName, seat.joinedAt.toISOString(), String(done.length), String(steps.length), last?.toISOString() ?? "", ...times.map((t) => t?.toISOString() ?? "")];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
