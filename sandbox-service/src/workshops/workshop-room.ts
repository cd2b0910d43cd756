/**
 * What an instructor's dashboard shows about one workshop, kept in memory and updated by
 * events (a learner joins, opens a lesson, types, passes a step). Pure state: the hub
 * feeds it and sends what changed; sandbox states are asked of the caller.
 */
import { stepKey as key, type DashboardCounts, type DashboardRow, type SeatSandboxState } from "../../../shared/protocol";
import type { Seat, Workshop } from "../../../shared/db/workshops";

export interface LessonOutline {
  slug: string;
  title: string;
  steps: Array<{ id: string; title: string }>;
  /** Images the lesson pulls. */
  images: string[];
}

interface SeatState extends Seat {
  passed: Set<string>;
  lesson: string | null;
  lastActivity: Date | null;
}

export class WorkshopRoom {
  private readonly seats = new Map<string, SeatState>();

  constructor(
    readonly workshop: Workshop,
    readonly lessons: LessonOutline[],
  ) {}

  has(learnerId: string): boolean {
    return this.seats.has(learnerId);
  }

  get learnerIds(): string[] {
    return [...this.seats.keys()];
  }

  teaches(lesson: string): boolean {
    return this.workshop.lessons.includes(lesson);
  }

  /** Adds a seat, or renames it when the learner joins again. */
  seat(seat: Seat): void {
    const existing = this.seats.get(seat.learnerId);
    if (existing) existing.displayName = seat.displayName;
    else this.seats.set(seat.learnerId, { ...seat, passed: new Set(), lesson: null, lastActivity: null });
  }

  displayName(learnerId: string): string | undefined {
    return this.seats.get(learnerId)?.displayName;
  }

  /** A step passed; false if it was already counted (a second tab, a re-check). */
  passed(learnerId: string, lesson: string, step: string, at: Date): boolean {
    const seat = this.seats.get(learnerId);
    if (!seat || !this.teaches(lesson)) return false;
    this.touch(seat, lesson, at);
    if (seat.passed.has(key(lesson, step))) return false;
    seat.passed.add(key(lesson, step));
    return true;
  }

  /** The learner did something in a lesson (opened it, typed): they are on it now. */
  active(learnerId: string, lesson: string, at: Date): void {
    const seat = this.seats.get(learnerId);
    if (seat && this.teaches(lesson)) this.touch(seat, lesson, at);
  }

  currentLesson(learnerId: string): string | null {
    return this.seats.get(learnerId)?.lesson ?? null;
  }

  row(learnerId: string, sandbox: SeatSandboxState): DashboardRow | undefined {
    const seat = this.seats.get(learnerId);
    if (!seat) return undefined;
    const outline = this.lessons.find((l) => l.slug === seat.lesson);
    const next = outline?.steps.find((s) => !seat.passed.has(key(outline.slug, s.id)));
    const passed = this.lessons.flatMap((l) => l.steps.map((s) => key(l.slug, s.id)).filter((k) => seat.passed.has(k)));
    return {
      learnerId,
      displayName: seat.displayName,
      joinedAt: seat.joinedAt.toISOString(),
      lesson: seat.lesson,
      nextStep: outline ? (next?.title ?? "All steps passed") : null,
      stepsPassed: passed.length,
      passed,
      currentStep: outline && next ? key(outline.slug, next.id) : null,
      sandbox,
      lastActivity: seat.lastActivity?.toISOString() ?? null,
    };
  }

  counts(): DashboardCounts {
    const seats = [...this.seats.values()];
    return {
      seats: seats.length,
      steps: this.lessons.flatMap((lesson) =>
        lesson.steps.map((step) => ({
          lesson: lesson.slug,
          step: step.id,
          title: step.title,
          passed: seats.filter((seat) => seat.passed.has(key(lesson.slug, step.id))).length,
        })),
      ),
    };
  }

  private touch(seat: SeatState, lesson: string, at: Date): void {
    seat.lesson = lesson;
    if (!seat.lastActivity || seat.lastActivity < at) seat.lastActivity = at;
  }
}
