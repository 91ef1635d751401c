/**
 * The rescore planner through in-memory fakes: one supplier the queue refuses, or a tenant whose messages the queue
 * cannot take, stops no one else's rescoring, and every supplier is counted queued or failed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoredSupplier } from '../../../shared/model/types.ts';
import { rescoreDue } from '../../../shared/pipeline/rescore.ts';
import { type ScoreMessage, scoreMessageSchema } from '../../../shared/queue/message.ts';
import { QueueUnavailableError, sendMessages } from '../../../shared/queue/send-messages.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import type { StoredSupplier } from '../../../shared/store/port.ts';
import { dueStore, fakeQueue } from '../../helpers/fake-ports.ts';
import { supplierInput } from '../../helpers/pipeline.ts';

const ref = referenceData();

function stored(tenant: string, id: string): StoredSupplier {
  return {
    tenant,
    supplierId: id,
    inputVersion: 1,
    input: supplierInput(id, [['cobalt', 'CD', 'CN']]),
    result: { buyerCountry: 'US' } as ScoredSupplier,
    nextChangeDate: '2026-11-11',
    batchId: null,
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
}

const idsSent = (bodies: { body: string }[]) =>
  bodies.flatMap((e) =>
    (scoreMessageSchema.parse(JSON.parse(e.body)) as ScoreMessage).suppliers.map((s) => s.input.supplierId),
  );

describe('rescoreDue', () => {
  it('a supplier the queue refuses fails alone; its tenant and every other tenant are rescored', async () => {
    const suppliers = ['a', 'b', 'c'].flatMap((t) => Array.from({ length: 30 }, (_, i) => stored(t, `${t}-${i}`)));
    const queue = fakeQueue({ refuse: (body) => body.includes('"b-7"') });
    const r = await rescoreDue({ store: dueStore(suppliers), queue, ref }, '2026-11-11');
    expect(r.failed).toBe(1);
    expect(r.failures).toEqual([
      { tenant: 'b', supplierId: 'b-7', reason: expect.stringMatching(/refused/), retryable: false },
    ]);
    expect(r.queued).toBe(89);
    expect(idsSent(queue.sent).sort()).toEqual(
      suppliers
        .map((s) => s.supplierId)
        .filter((id) => id !== 'b-7')
        .sort(),
    );
    // Every message names its tenant as its group: SQS fair queues then keep one tenant's backlog from delaying others.
    for (const e of queue.sent) expect(e.groupId).toBe(JSON.parse(e.body).tenant);
  });

  it('a tenant whose messages cannot be sent fails (retryable) without stopping the next tenant', async () => {
    const suppliers = ['a', 'down', 'c'].flatMap((t) => Array.from({ length: 5 }, (_, i) => stored(t, `${t}-${i}`)));
    const queue = fakeQueue({ down: (e) => e.groupId === 'down' });
    const r = await rescoreDue({ store: dueStore(suppliers), queue, ref }, '2026-11-11');
    expect(r.queued).toBe(10);
    expect(r.failed).toBe(5);
    expect(new Set(r.failures.map((f) => [f.tenant, f.retryable].join()))).toEqual(new Set(['down,true']));
    expect(idsSent(queue.sent).sort()).toEqual(
      [...Array.from({ length: 5 }, (_, i) => `a-${i}`), ...Array.from({ length: 5 }, (_, i) => `c-${i}`)].sort(),
    );
  }, 30_000);

  it('queued + failed = the suppliers found, whichever the queue refuses', () =>
    fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), async (refused) => {
        const suppliers = refused.map((_, i) => stored(i % 2 ? 'x' : 'y', `s-${i}`));
        const bad = new Set(refused.flatMap((r, i) => (r ? [`"s-${i}"`] : [])));
        const queue = fakeQueue({ refuse: (body) => [...bad].some((b) => body.includes(b)) });
        const r = await rescoreDue({ store: dueStore(suppliers), queue, ref }, '2026-11-11');
        expect(r.failed).toBe(bad.size);
        expect(r.queued + r.failed).toBe(suppliers.length);
      }),
      { numRuns: 40 },
    ));
});

describe('sendMessages', () => {
  it('reports each refused message and sends the rest; an outage throws with what was sent', async () => {
    const bodies = Array.from({ length: 25 }, (_, i) => ({ body: `m${i}` }));
    const refused: string[] = [];
    const queue = fakeQueue({ refuse: (b) => b === 'm3' || b === 'm17' });
    const r = await sendMessages(queue, bodies, { onRejected: (m) => refused.push(m.body) });
    expect(r).toEqual({ sent: 23, rejected: 2 });
    expect(refused).toEqual(['m3', 'm17']);

    // Down from its second call on.
    const flaky: ReturnType<typeof fakeQueue> = fakeQueue({ down: () => flaky.calls > 1 });
    const err = await sendMessages(flaky, bodies).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueUnavailableError);
    expect((err as QueueUnavailableError).sent).toBe(10);
    expect((err as QueueUnavailableError).retryable).toBe(true);
  }, 30_000);
});
