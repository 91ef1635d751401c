/**
 * In-memory fakes of the ports for unit tests of the use cases: a queue that records what it was sent and can refuse
 * chosen messages or be down for a tenant, and a store holding suppliers due for rescoring. Each fake keeps the port's
 * semantics (SendMessageBatch's per-entry failures, the store's pages and cursors), nothing more.
 */
import type { ScoreQueue, SendBatchFailure, SendEntry } from '../../shared/queue/port.ts';
import type { StoredSupplier, SupplierStore } from '../../shared/store/port.ts';

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

/** A store whose only suppliers are these, all due for rescoring; pages of `limit` with a numeric cursor. */
export function dueStore(suppliers: StoredSupplier[]): SupplierStore {
  const page = async (options: { limit?: number; cursor?: string } = {}) => {
    const from = Number(options.cursor ?? 0);
    const to = from + (options.limit ?? 100);
    return { items: suppliers.slice(from, to), cursor: to < suppliers.length ? String(to) : null };
  };
  const none = async () => ({ items: [], cursor: null });
  const unused = () => {
    throw new Error('not used by this test');
  };
  return new Proxy(
    {
      dueForRescore: (_asOf: string, o?: { limit?: number; cursor?: string }) => page(o),
      scoredWithOtherVersions: none,
    } as unknown as SupplierStore,
    {
      get: (target, prop) => (prop in target ? target[prop as keyof SupplierStore] : unused),
    },
  );
}
