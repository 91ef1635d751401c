/**
 * Where the queue's messages are: visible (receivable now), invisible (until their visibility timeout expires) or in
 * flight (held by an invocation, in `messages` only). Receiving and the redrive policy's check live here, beside them.
 */
import type { StoredMessage } from './message.ts';
import { newReceiptHandle } from './records.ts';
import { Fifo, MinHeap } from './structures.ts';

export class Inventory {
  /** Every message not yet deleted or dead-lettered, by id. */
  private readonly messages = new Map<string, StoredMessage>();
  private readonly visible = new Fifo<StoredMessage>();
  private readonly invisible = new MinHeap<StoredMessage>();

  constructor(
    private readonly maxReceiveCount: number,
    /** Called with a message that used up its receives, already removed: the DLQ takes it. */
    private readonly onSpent: (message: StoredMessage, now: number) => void,
  ) {}

  get size(): number {
    return this.messages.size;
  }

  get visibleCount(): number {
    return this.visible.size;
  }

  get invisibleCount(): number {
    return this.invisible.size;
  }

  /** When the next visibility timeout expires (epoch ms), if any message is invisible. */
  nextExpiry(): number | undefined {
    return this.invisible.peekKey();
  }

  /** A message sent now, or recovered at start: visible at once, or from its `visibleAt` if that is after `now`. */
  add(message: StoredMessage, now: number): void {
    this.messages.set(message.messageId, message);
    if (message.visibleAt !== undefined && message.visibleAt > now) this.invisible.push(message.visibleAt, message);
    else this.visible.push(message);
  }

  /** A failed message stays on the queue, invisible until `until`. */
  hide(message: StoredMessage, until: number): void {
    this.invisible.push(until, message);
  }

  /** Deleted (processed): gone for good. */
  remove(message: StoredMessage): void {
    this.messages.delete(message.messageId);
  }

  /** Messages whose visibility timeout expired become visible, or go to the DLQ if they used up their receives. */
  promoteDue(now: number): void {
    for (;;) {
      const key = this.invisible.peekKey();
      if (key === undefined || key > now) return;
      const message = this.invisible.pop();
      if (message === undefined) return;
      if (message.receiveCount >= this.maxReceiveCount) this.spend(message, now);
      else this.visible.push(message);
    }
  }

  /** ReceiveMessage: up to `max` visible messages, each counted and given a new receipt handle. */
  receive(max: number, now: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    while (batch.length < max) {
      const message = this.visible.shift();
      if (message === undefined) break;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.spend(message, now);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.receiptHandle = newReceiptHandle();
      message.receivedAt = now;
      batch.push(message);
    }
    return batch;
  }

  private spend(message: StoredMessage, now: number): void {
    this.messages.delete(message.messageId);
    this.onSpent(message, now);
  }
}
