/**
 * In-memory fakes of the ports for unit tests of the use cases: a queue that records what it was sent and can refuse
 * chosen messages or be down for a tenant. The fake keeps the port's semantics (SendMessageBatch's per-entry
 * failures), nothing more.
 */
import type { ScoreQueue, SendBatchFailure, SendEntry } from '../../shared/queue/port.ts';

export interface FakeQueue extends ScoreQueue {
  sent: SendEntry[];
  calls: number;
}

/**
 * `refuse(body)` true → that entry fails with SenderFault (as SQS does for a body it cannot take); `down(entry)` true
 * → the whole call throws (an outage or throttling beyond the SDK's retries).
 */
export function fakeQueue(
  o: { refuse?: (body: string) => boolean; down?: (entry: SendEntry) => boolean } = {},
): FakeQueue {
  const q: FakeQueue = {
    sent: [],
    calls: 0,
    async sendBatch(entries) {
      q.calls++;
      if (entries.some((e) => o.down?.(e))) throw new Error('fake queue: service unavailable');
      const failed: SendBatchFailure[] = [];
      for (const e of entries) {
        if (o.refuse?.(e.body))
          failed.push({ id: e.id, code: 'InvalidMessageContents', message: 'refused', senderFault: true });
        else q.sent.push(e);
      }
      return { failed };
    },
  };
  return q;
}
