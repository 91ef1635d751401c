/**
 * Fan-out of one change event through in-memory fakes (test/helpers/fake-notify.ts): the tenant's matching endpoints
 * get a delivery each, started once however often the event comes, and a first attempt queued in the tenant's group.
 */
import { describe, expect, it } from 'vitest';
import { fanOut, forEachLimited } from '../../../shared/notify/fan-out.ts';
import { deliveryMessageSchema } from '../../../shared/webhooks/delivery-message.ts';
import { changePayload, messageIdFor } from '../../../shared/webhooks/payload.ts';
import { change, changeEvent, notifyFixture, webhook } from '../../helpers/fake-notify.ts';

const bodies = (f: ReturnType<typeof notifyFixture>) =>
  f.queue.sent.map((e) => deliveryMessageSchema.parse(JSON.parse(e.body)));

describe('fan-out of a change event', () => {
  it('starts a delivery per matching endpoint, with one message id and the body every attempt sends', async () => {
    const f = notifyFixture();
    await f.store.createWebhook(webhook({ webhookId: 'wh_all' }));
    await f.store.createWebhook(webhook({ webhookId: 'wh_gallium', filters: { minerals: ['gallium'] } }));
    await f.store.createWebhook(webhook({ webhookId: 'wh_critical', filters: { bands: ['critical'] } }));
    await f.store.createWebhook(webhook({ webhookId: 'wh_other', tenant: 'globex' }));
    const record = change();

    const r = await fanOut(f.deps, changeEvent(record));

    expect(r).toEqual({ endpoints: 3, matched: 2, started: 2, queued: 2 });
    const deliveries = [...f.store.deliveries.values()];
    expect(deliveries.map((d) => d.webhookId).sort()).toEqual(['wh_all', 'wh_gallium']);
    for (const d of deliveries)
      expect(d).toMatchObject({
        tenant: 'acme',
        messageId: messageIdFor('acme', record.changeId),
        changeId: record.changeId,
        eventType: 'supplier.risk_changed',
        status: 'pending',
        payload: changePayload(record),
        attemptCount: 0,
      });
    expect(JSON.parse(deliveries[0]?.payload ?? '')).toMatchObject({ type: 'supplier.risk_changed', data: record });
    // First attempts on the notify queue, in the tenant's group of the fair queue, without delay.
    expect(f.queue.sent.every((e) => e.groupId === 'acme' && e.delaySeconds === undefined)).toBe(true);
    expect(
      bodies(f)
        .map((m) => [m.webhookId, m.attempt])
        .sort(),
    ).toEqual([
      ['wh_all', 1],
      ['wh_gallium', 1],
    ]);
  });

  it('an event delivered again starts nothing twice, and queues again only what was never attempted', async () => {
    const f = notifyFixture();
    await f.store.createWebhook(webhook({ webhookId: 'wh_a' }));
    await f.store.createWebhook(webhook({ webhookId: 'wh_b' }));
    const event = changeEvent();
    await fanOut(f.deps, event);
    const [a] = [...f.store.deliveries.values()].filter((d) => d.webhookId === 'wh_a');
    await f.store.recordAttempt(
      'acme',
      'wh_a',
      a?.deliveryId ?? '',
      {
        attempt: 1,
        at: new Date(f.clock.now).toISOString(),
        outcome: 'delivered',
        httpStatus: 200,
        error: null,
        responseExcerpt: null,
        durationMs: 5,
      },
      { status: 'delivered', nextAttemptAt: null },
    );
    f.queue.sent.length = 0;

    const again = await fanOut(f.deps, event);

    expect(again).toEqual({ endpoints: 2, matched: 2, started: 0, queued: 1 });
    expect(f.store.deliveries.size).toBe(2);
    expect(bodies(f).map((m) => m.webhookId)).toEqual(['wh_b']);
  });

  it('nothing matches: no delivery, no message; a tenant without endpoints costs one read', async () => {
    const f = notifyFixture();
    await f.store.createWebhook(webhook({ webhookId: 'wh_new', filters: { kinds: ['new'] } }));
    expect(await fanOut(f.deps, changeEvent())).toEqual({ endpoints: 1, matched: 0, started: 0, queued: 0 });
    expect(await fanOut(f.deps, changeEvent(change({ tenant: 'initech' })))).toEqual({
      endpoints: 0,
      matched: 0,
      started: 0,
      queued: 0,
    });
    expect(f.queue.calls).toBe(0);
  });

  it('one delivery the store fails to start fails the event (retried), after the others were started', async () => {
    const f = notifyFixture();
    for (const id of ['wh_1', 'wh_2', 'wh_3']) await f.store.createWebhook(webhook({ webhookId: id }));
    const start = f.store.startDelivery.bind(f.store);
    let down = true;
    f.store.startDelivery = async (d) => {
      if (d.webhookId === 'wh_2' && down) throw new Error('throttled');
      return start(d);
    };
    await expect(fanOut(f.deps, changeEvent())).rejects.toThrow('throttled');
    expect(f.store.deliveries.size).toBe(2);
    down = false;
    // The event comes again: the missing one is started, and every delivery not yet attempted is queued.
    expect(await fanOut(f.deps, changeEvent())).toEqual({ endpoints: 3, matched: 3, started: 1, queued: 3 });
  });

  it('forEachLimited runs at most `limit` at once and every item even when some fail', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const work = async (n: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      if (n % 3 === 0) throw new Error(`item ${n}`);
      done.push(n);
    };
    await expect(forEachLimited([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4, work)).rejects.toThrow('item 3');
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 7, 8, 10]);
  });
});
