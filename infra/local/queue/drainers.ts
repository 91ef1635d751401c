/** Callers waiting for the queue to drain, each with an optional deadline on the queue's clock. */
import type { QueueClock } from './types.ts';

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: unknown;
}

export class Drainers {
  private readonly waiters = new Set<DrainWaiter>();

  constructor(private readonly clock: QueueClock) {}

  /** A promise settled by `settle`/`reject`, or rejected with `onTimeout()` after `timeoutMs`. */
  wait(timeoutMs: number | undefined, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: DrainWaiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = this.clock.setTimeout(() => {
          this.waiters.delete(waiter);
          reject(onTimeout());
        }, timeoutMs);
      }
      this.waiters.add(waiter);
    });
  }

  /**
   * Resolves the waiters, once `durable()` has (drained means durably so: with a journal, once the deletes and
   * dead-letterings are synced); rejects them if it fails. `durable` is called only when someone waits.
   */
  settle(durable: () => Promise<void> | undefined = () => undefined): void {
    if (this.waiters.size === 0) return;
    const synced = durable();
    if (synced === undefined) {
      for (const waiter of this.take()) waiter.resolve();
      return;
    }
    const waiters = this.take();
    synced.then(
      () => {
        for (const waiter of waiters) waiter.resolve();
      },
      (error: Error) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }

  reject(error: Error): void {
    for (const waiter of this.take()) waiter.reject(error);
  }

  private take(): DrainWaiter[] {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const waiter of all) if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
    return all;
  }
}
