/** The poller's one timer: wakes it at the earliest time something is due (a batching window, a visibility timeout). */
import type { QueueClock } from './types.ts';

export class Wakeup {
  private timer: unknown;
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: QueueClock,
    private readonly onWake: () => void,
  ) {}

  /** Wake at `wake` (epoch ms; Infinity: never). Keeps the running timer if it is already set for that time. */
  set(wake: number, now: number): void {
    if (wake === this.at && this.timer !== undefined) return;
    this.cancel();
    if (!Number.isFinite(wake)) return;
    this.at = wake;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.onWake();
      },
      Math.max(0, Math.ceil(wake - now)),
    );
  }

  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
