/**
 * The notifier function on SQS events as the event source mapping hands them over, through the in-memory fakes: both
 * kinds of message, partial batch failures, and one endpoint's slowness or one record's failure stopping no other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createNotifierHandler } from '../../../functions/notifier/handler.ts';
import { quietLocalTelemetry } from '../../../infra/local/runtime.ts';
import { deliveryMessage } from '../../../shared/webhooks/delivery-message.ts';
import { change, changeEvent, notifyFixture, ok, webhook } from '../../helpers/fake-notify.ts';
import { failedItemIds, lambdaContext, sqsEvent, sqsRecord } from '../../helpers/sqs-events.ts';

beforeAll(() => quietLocalTelemetry());

describe('the notifier handler', () => {
  it('fans an event out, then attempts the queued deliveries; a body of neither kind fails alone', async () => {
    const f = notifyFixture();
    await f.store.createWebhook(webhook({ webhookId: 'wh_a' }));
    await f.store.createWebhook(webhook({ webhookId: 'wh_b' }));
    const handler = createNotifierHandler(f.deps);

    const bad = sqsRecord({ v: 1, kind: 'something-else' }, { messageId: 'bad' });
    const first = await handler(sqsEvent(sqsRecord(changeEvent(), { messageId: 'evt' }), bad), lambdaContext());
    expect(failedItemIds(first)).toEqual(['bad']);
    expect(f.queue.sent).toHaveLength(2);

    const second = await handler(sqsEvent(...f.queue.sent.splice(0).map((e) => e.body)), lambdaContext());
    expect(failedItemIds(second)).toEqual([]);
    expect(f.calls.map((c) => c.request.url).sort()).toEqual([
      'https://hooks.example.com/wh_a',
      'https://hooks.example.com/wh_b',
    ]);
    expect([...f.store.deliveries.values()].every((d) => d.status === 'delivered')).toBe(true);
  });

  it("lists a tenant's endpoints once per invocation, whatever its batch holds; the next invocation lists again", async () => {
    const f = notifyFixture();
    await f.store.createWebhook(webhook({ webhookId: 'wh_a' }));
    let listings = 0;
    const list = f.store.listWebhooks.bind(f.store);
    f.store.listWebhooks = (tenant: string) => {
      listings++;
      return list(tenant);
    };
    const handler = createNotifierHandler(f.deps);
    const events = Array.from({ length: 10 }, (_, i) =>
      sqsRecord(changeEvent({ ...change(), changeId: `S-${i}@1`, supplierId: `S-${i}` }, `evt-${i}`), {
        messageId: `m-${i}`,
      }),
    );
    expect(failedItemIds(await handler(sqsEvent(...events), lambdaContext()))).toEqual([]);
    expect(listings).toBe(1);
    expect(f.queue.sent).toHaveLength(10);
    // An endpoint registered since is seen by the next invocation.
    await f.store.createWebhook(webhook({ webhookId: 'wh_b' }));
    listings = 0;
    const later = sqsRecord(changeEvent({ ...change(), changeId: 'S-x@1', supplierId: 'S-x' }, 'evt-x'));
    await handler(sqsEvent(later), lambdaContext());
    expect(listings).toBe(1);
    expect(f.queue.sent).toHaveLength(12);
  });

  it('a slow endpoint holds no other: the batch runs its records at once', async () => {
    const f = notifyFixture();
    for (const id of ['wh_slow', 'wh_1', 'wh_2']) await f.store.createWebhook(webhook({ webhookId: id }));
    const handler = createNotifierHandler(f.deps);
    const finished: string[] = [];
    f.answer('https://hooks.example.com/wh_slow', async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished.push('wh_slow');
      return ok();
    });
    for (const id of ['wh_1', 'wh_2'])
      f.answer(`https://hooks.example.com/${id}`, () => {
        finished.push(id);
        return ok();
      });
    await handler(sqsEvent(changeEvent()), lambdaContext());
    const started = Date.now();
    await handler(sqsEvent(...f.queue.sent.splice(0).map((e) => e.body)), lambdaContext());
    expect(finished.at(-1)).toBe('wh_slow');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("one record's store failure fails that record alone; the receiver's failure fails none (it is scheduled)", async () => {
    const f = notifyFixture();
    for (const id of ['wh_ok', 'wh_down', 'wh_broken']) await f.store.createWebhook(webhook({ webhookId: id }));
    const handler = createNotifierHandler(f.deps);
    await handler(sqsEvent(changeEvent()), lambdaContext());
    f.answer('https://hooks.example.com/wh_down', () => ({ ok: false, status: 503, durationMs: 3 }));
    const get = f.store.getDelivery.bind(f.store);
    f.store.getDelivery = async (tenant, webhookId, deliveryId) => {
      if (webhookId === 'wh_broken') throw new Error('ProvisionedThroughputExceededException');
      return get(tenant, webhookId, deliveryId);
    };
    const records = f.queue.sent.splice(0).map((e) => {
      const m = JSON.parse(e.body);
      return sqsRecord(e.body, { messageId: m.webhookId });
    });
    const r = await handler(sqsEvent(...records), lambdaContext());
    expect(failedItemIds(r)).toEqual(['wh_broken']);
    expect(f.queue.sent.map((e) => JSON.parse(e.body))).toEqual([
      expect.objectContaining({ webhookId: 'wh_down', attempt: 2 }),
    ]);
  });

  it('a deliver message for a delivery that does not exist is dropped, not retried', async () => {
    const f = notifyFixture();
    const handler = createNotifierHandler(f.deps);
    const m = deliveryMessage({ tenant: 'acme', webhookId: 'wh_x', deliveryId: 'dlv_none' }, 1);
    expect(failedItemIds(await handler(sqsEvent(m), lambdaContext()))).toEqual([]);
    expect(f.calls).toHaveLength(0);
  });
});
