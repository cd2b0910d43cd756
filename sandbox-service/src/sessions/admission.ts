/**
 * The waiting room in front of the platform's capacity: first come, first served. A
 * request that finds no room (or others already waiting) queues and is told its place;
 * it is admitted when room appears. Admission calls the request's `reserve` synchronously,
 * so the slot is taken (a sandbox registered, a pooled one taken) before anything awaits
 * and the next request already sees it gone: a freed slot is never handed out twice, and
 * several requests can still be admitted and provisioned in parallel.
 */
import { UserFacingError } from "../user-facing-error";

interface Waiter {
  canProceed: () => boolean;
  admit: () => void;
  onPlace: (place: number) => void;
}

export class Admission {
  private readonly waiting: Waiter[] = [];

  get queueLength(): number {
    return this.waiting.length;
  }

  /**
   * Returns `reserve()`'s result as soon as `canProceed()` holds and nobody is ahead.
   * Meanwhile `onPlace` hears the 1-based place in line whenever it changes. Rejects if
   * `signal` aborts while waiting (the learner left).
   */
  async enter<T>(canProceed: () => boolean, reserve: () => T, onPlace: (place: number) => void, signal?: AbortSignal): Promise<T> {
    if (this.waiting.length === 0 && canProceed()) return reserve();
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        canProceed,
        admit: () => {
          try {
            resolve(reserve());
          } catch (error) {
            reject(error);
          }
        },
        onPlace,
      };
      this.waiting.push(waiter);
      onPlace(this.waiting.length);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.waiting.indexOf(waiter);
          if (index < 0) return;
          this.waiting.splice(index, 1);
          this.announcePlaces(index);
          reject(new UserFacingError("capacity", "You left the queue."));
        },
        { once: true },
      );
    });
  }

  /** Room may have appeared: admit waiters, in order, while the first in line fits. */
  admitNext(): void {
    let admitted = 0;
    while (this.waiting.length > 0 && this.waiting[0]!.canProceed()) {
      this.waiting.shift()!.admit();
      admitted++;
    }
    if (admitted > 0) this.announcePlaces(0);
  }

  private announcePlaces(from: number): void {
    for (let i = from; i < this.waiting.length; i++) this.waiting[i]!.onPlace(i + 1);
  }
}
