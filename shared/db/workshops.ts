/** Workshops, their seats and messages. Used by the web (creating, joining, exporting) and the service (dashboard, ending). */
import { randomInt, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "./client";
import { isUniqueViolation } from "./errors";

/** No 0/O, 1/I/L: codes are read aloud and copied from a projector. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;
export const joinCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`), "A workshop code is 6 letters and digits.");

export const MAX_MESSAGE_CHARS = 500;
export const messageTextSchema = z
  .string()
  .trim()
  .min(1, "A message cannot be empty.")
  .max(MAX_MESSAGE_CHARS, `A message can be at most ${MAX_MESSAGE_CHARS} characters long.`);

export interface Workshop {
  id: string;
  code: string;
  ownerId: string;
  title: string;
  lessons: string[];
  capacity: number;
  opensAt: Date;
  closesAt: Date;
  endedAt: Date | null;
  createdAt: Date;
  /** The agents its learners are placed on (lib/placement.ts); empty: any agent. */
  agents: string[];
}

export interface Seat {
  learnerId: string;
  displayName: string;
  joinedAt: Date;
}

export interface WorkshopMessage {
  id: number;
  /** null: an announcement to everyone. */
  learnerId: string | null;
  text: string;
  at: Date;
}

type WorkshopRow = Omit<Workshop, "lessons" | "agents"> & { lessons: string; agents: string };
const toWorkshop = (row: WorkshopRow): Workshop => ({ ...row, lessons: row.lessons.split(",").filter(Boolean), agents: row.agents.split(",").filter(Boolean) });

export function newJoinCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

export async function createWorkshop(
  db: Database,
  input: { ownerId: string; title: string; lessons: string[]; capacity: number; opensAt: Date; closesAt: Date; agents?: string[] },
  now = new Date(),
): Promise<Workshop> {
  // 31^6 ≈ 887 million codes: a clash is rare, and retried.
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db.workshop.create({
        data: { ...input, id: randomUUID(), code: newJoinCode(), lessons: input.lessons.join(","), agents: (input.agents ?? []).join(","), createdAt: now },
      });
      return toWorkshop(row);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}

export async function findWorkshop(db: Database, id: string): Promise<Workshop | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db.workshop.findUnique({ where: { id } });
  return row ? toWorkshop(row) : null;
}

/** The workshop, only if `ownerId` owns it: an instructor never learns about others' workshops. */
export async function findOwnedWorkshop(db: Database, id: string, ownerId: string): Promise<Workshop | null> {
  const workshop = await findWorkshop(db, id);
  return workshop?.ownerId === ownerId ? workshop : null;
}

export async function workshopsOwnedBy(db: Database, ownerId: string): Promise<Array<Workshop & { seats: number }>> {
  const rows = await db.workshop.findMany({ where: { ownerId }, orderBy: { opensAt: "desc" }, include: { _count: { select: { seats: true } } } });
  return rows.map(({ _count, ...row }) => ({ ...toWorkshop(row), seats: _count.seats }));
}

export type JoinRefusal = "unknown-code" | "not-open-yet" | "closed" | "full";

export function isOpen(workshop: Workshop, now: Date): boolean {
  return workshop.endedAt === null && workshop.opensAt <= now && now < workshop.closesAt;
}

/**
 * Seats the learner in the workshop with that code. Joining again (another tab, a new
 * display name) keeps the one seat. Capacity holds under concurrent joins because the
 * transaction's first statement writes the workshop row: PostgreSQL then holds that row's
 * lock, and SQLite its write lock, until the seat is counted and taken. (Writing first
 * also matters on SQLite: a transaction that reads and then wants to write fails at once,
 * without waiting, when another process is writing.)
 */
export async function joinWorkshop(
  db: Database,
  input: { code: string; learnerId: string; displayName: string },
  now = new Date(),
): Promise<{ ok: true; workshop: Workshop } | { ok: false; refusal: JoinRefusal }> {
  const code = joinCodeSchema.safeParse(input.code);
  if (!code.success) return { ok: false, refusal: "unknown-code" };
  return db.$transaction(async (tx) => {
    const { count } = await tx.workshop.updateMany({ where: { code: code.data }, data: { capacity: { increment: 0 } } });
    const row = count > 0 ? await tx.workshop.findUnique({ where: { code: code.data } }) : null;
    if (!row) return { ok: false, refusal: "unknown-code" } as const;
    const workshop = toWorkshop(row);
    if (workshop.endedAt !== null || now >= workshop.closesAt) return { ok: false, refusal: "closed" } as const;
    if (now < workshop.opensAt) return { ok: false, refusal: "not-open-yet" } as const;
    const seat = { workshopId: workshop.id, learnerId: input.learnerId };
    const existing = await tx.workshopSeat.findUnique({ where: { workshopId_learnerId: seat } });
    if (!existing && (await tx.workshopSeat.count({ where: { workshopId: workshop.id } })) >= workshop.capacity) return { ok: false, refusal: "full" } as const;
    await tx.learner.upsert({ where: { id: input.learnerId }, create: { id: input.learnerId, createdAt: now, lastSeenAt: now }, update: { lastSeenAt: now } });
    if (existing) await tx.workshopSeat.update({ where: { workshopId_learnerId: seat }, data: { displayName: input.displayName } });
    else await tx.workshopSeat.create({ data: { ...seat, displayName: input.displayName, joinedAt: now } });
    return { ok: true, workshop } as const;
  });
}

/** The open workshop that seats this learner and teaches this lesson, if any (the most recently joined). */
export async function workshopForLesson(db: Database, learnerId: string, lesson: string, now = new Date()): Promise<Workshop | null> {
  const seats = await db.workshopSeat.findMany({
    where: { learnerId, workshop: { endedAt: null, opensAt: { lte: now }, closesAt: { gt: now } } },
    include: { workshop: true },
    orderBy: { joinedAt: "desc" },
  });
  const seat = seats.find((s) => toWorkshop(s.workshop).lessons.includes(lesson));
  return seat ? toWorkshop(seat.workshop) : null;
}

export async function seatsOf(db: Database, workshopId: string): Promise<Seat[]> {
  return db.workshopSeat.findMany({ where: { workshopId }, orderBy: { joinedAt: "asc" }, select: { learnerId: true, displayName: true, joinedAt: true } });
}

export async function seatOf(db: Database, workshopId: string, learnerId: string): Promise<Seat | null> {
  return db.workshopSeat.findUnique({ where: { workshopId_learnerId: { workshopId, learnerId } }, select: { learnerId: true, displayName: true, joinedAt: true } });
}

/** Passed steps of the workshop's lessons, per seated learner. */
export async function workshopCompletions(db: Database, workshop: Workshop): Promise<Array<{ learnerId: string; lesson: string; step: string; passedAt: Date }>> {
  return db.stepCompletion.findMany({
    where: { lesson: { in: workshop.lessons }, learner: { seats: { some: { workshopId: workshop.id } } } },
    orderBy: { passedAt: "asc" },
  });
}

export async function addMessage(db: Database, message: { workshopId: string; learnerId: string | null; text: string }, now = new Date()): Promise<WorkshopMessage> {
  const row = await db.workshopMessage.create({ data: { ...message, text: messageTextSchema.parse(message.text), at: now } });
  return { id: row.id, learnerId: row.learnerId, text: row.text, at: row.at };
}

/** Announcements and this learner's own hints, oldest first. */
export async function messagesFor(db: Database, workshopId: string, learnerId: string): Promise<WorkshopMessage[]> {
  return db.workshopMessage.findMany({
    where: { workshopId, OR: [{ learnerId: null }, { learnerId }] },
    orderBy: { at: "asc" },
    take: 100,
    select: { id: true, learnerId: true, text: true, at: true },
  });
}

export async function endWorkshop(db: Database, id: string, now = new Date()): Promise<void> {
  await db.workshop.updateMany({ where: { id, endedAt: null }, data: { endedAt: now } });
}

/** Workshops past their closing time that nobody has ended yet. */
export async function overdueWorkshops(db: Database, now: Date): Promise<string[]> {
  return (await db.workshop.findMany({ where: { endedAt: null, closesAt: { lte: now } }, select: { id: true } })).map((w) => w.id);
}

/** Workshops not ended that are open or open within `leadMs`, with their seated learners: the ones to pre-warm sandboxes for. */
export async function upcomingWorkshops(db: Database, now: Date, leadMs: number): Promise<Array<Workshop & { seated: string[] }>> {
  const rows = await db.workshop.findMany({
    where: { endedAt: null, closesAt: { gt: now }, opensAt: { lte: new Date(now.getTime() + leadMs) } },
    include: { seats: { select: { learnerId: true } } },
  });
  return rows.map(({ seats, ...row }) => ({ ...toWorkshop(row), seated: seats.map((s) => s.learnerId) }));
}
