/**
 * The WebhookStore contract, run against the DynamoDB adapter (on dynalite) and the in-memory fake alike: endpoints
 * per tenant up to the limit (and the limit freed by a delete), tenants apart, rotations keeping the old secret until
 * the overlap ends and dropping expired ones, a delivery created once (a redelivered event finds it), an attempt
 * recorded once per number with at most DELIVERY_LOG.attemptsKept kept, a manual reopen, the log newest first in
 * pages and by status, bad cursors refused, and the expiry attribute on deliveries.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { InvalidCursorError } from '../../shared/store/errors.ts';
import { deliveriesPk, deliverySk, WEBHOOK_COUNT_SK, webhooksPk } from '../../shared/store/keys.ts';
import { TABLE } from '../../shared/store/table.ts';
import { DynamoDbWebhookStore } from '../../shared/store/webhooks.ts';
import { deliveryIdFor, messageIdFor, newWebhookId } from '../../shared/webhooks/payload.ts';
import {
  DELIVERY_LOG,
  type Delivery,
  type DeliveryAttempt,
  MaxWebhooksError,
  type Webhook,
  type WebhookStore,
} from '../../shared/webhooks/port.ts';
import { FakeWebhookStore } from '../helpers/fake-webhooks.ts';

let dynamo: LocalDynamo;
let seq = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'webhook-store-test' });
});
afterAll(async () => {
  await dynamo?.stop();
});

const T0 = '2026-11-10T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const webhook = (tenant: string, overrides: Partial<Webhook> = {}): Webhook => ({
  tenant,
  webhookId: newWebhookId(),
  url: 'https://hooks.example.com/in',
  description: null,
  filters: { bands: ['critical'], minDelta: 5 },
  secrets: [{ secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, createdAt: T0, expiresAt: null }],
  createdAt: at(seq++),
  updatedAt: T0,
  createdBy: 'user-1',
  ...overrides,
});

const delivery = (w: Webhook, n: number, overrides: Partial<Delivery> = {}): Delivery => {
  const messageId = messageIdFor(w.tenant, `S-${n}@1`);
  return {
    tenant: w.tenant,
    webhookId: w.webhookId,
    deliveryId: deliveryIdFor(w.webhookId, messageId, at(n)),
    messageId,
    changeId: `S-${n}@1`,
    eventType: 'supplier.risk_changed',
    status: 'pending',
    payload: JSON.stringify({ n }),
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: at(n),
    createdAt: at(n),
    updatedAt: at(n),
    ...overrides,
  };
};

const attempt = (n: number, outcome: DeliveryAttempt['outcome'] = 'failed'): DeliveryAttempt => ({
  attempt: n,
  at: at(100 + n),
  outcome,
  httpStatus: outcome === 'delivered' ? 200 : 503,
  error: outcome === 'delivered' ? null : 'the receiver answered 503',
  responseExcerpt: 'busy',
  durationMs: 12,
});

async function allDeliveries(
  store: WebhookStore,
  w: Webhook,
  options: { limit?: number; status?: Delivery['status'] },
) {
  const out: Delivery[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await store.listDeliveries(w.tenant, w.webhookId, { ...options, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(options.limit ?? 50);
    out.push(...page.items);
    if (page.cursor === null) return out;
    cursor = page.cursor;
  }
  throw new Error('the log did not end');
}

const stores: [string, () => WebhookStore][] = [
  ['DynamoDbWebhookStore', () => new DynamoDbWebhookStore(dynamo.client, dynamo.tableName)],
  ['FakeWebhookStore', () => new FakeWebhookStore()],
];

describe.each(stores)('%s', (name, make) => {
  const tenant = (t: string) => `${t}-${name}`;

  it('creates, gets, lists and deletes endpoints, each tenant its own', async () => {
    const store = make();
    const a = webhook(tenant('acme'), { description: 'ERP', filters: { kinds: ['moved'], minerals: ['gallium'] } });
    const b = webhook(tenant('globex'));
    await store.createWebhook(a);
    await store.createWebhook(b);
    expect(await store.getWebhook(a.tenant, a.webhookId)).toEqual(a);
    expect(await store.getWebhook(b.tenant, a.webhookId)).toBeNull();
    expect(await store.listWebhooks(a.tenant)).toEqual([a]);
    expect(await store.deleteWebhook(b.tenant, a.webhookId)).toBe(false);
    expect(await store.deleteWebhook(a.tenant, a.webhookId)).toBe(true);
    expect(await store.deleteWebhook(a.tenant, a.webhookId)).toBe(false);
    expect(await store.getWebhook(a.tenant, a.webhookId)).toBeNull();
    expect(await store.listWebhooks(b.tenant)).toEqual([b]);
  });

  it(`refuses an endpoint beyond ${DELIVERY_LOG.maxWebhooksPerTenant} with MaxWebhooksError; a delete frees a place`, async () => {
    const store = make();
    const t = tenant('full');
    const made: Webhook[] = [];
    for (let i = 0; i < DELIVERY_LOG.maxWebhooksPerTenant; i++) {
      const w = webhook(t);
      await store.createWebhook(w);
      made.push(w);
    }
    const refused = await store.createWebhook(webhook(t)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MaxWebhooksError);
    expect(refused).toMatchObject({ retryable: false, name: 'MaxWebhooksError' });
    expect(await store.listWebhooks(t)).toHaveLength(DELIVERY_LOG.maxWebhooksPerTenant);
    // Another tenant is not limited by this one's.
    await store.createWebhook(webhook(tenant('other')));
    expect(await store.deleteWebhook(t, made[0]?.webhookId as string)).toBe(true);
    await store.createWebhook(webhook(t));
    expect(await store.listWebhooks(t)).toHaveLength(DELIVERY_LOG.maxWebhooksPerTenant);
  });

  it('rotates: the new secret first, the old one until the overlap ends, expired ones dropped', async () => {
    const store = make();
    const w = webhook(tenant('rot'));
    await store.createWebhook(w);
    const old = w.secrets[0]?.secret;
    const r1 = await store.rotateSecret(w.tenant, w.webhookId, 'whsec_new1', at(60), at(1));
    expect(r1?.secrets).toEqual([
      { secret: 'whsec_new1', createdAt: at(1), expiresAt: null },
      { secret: old, createdAt: T0, expiresAt: at(60) },
    ]);
    expect(await store.getWebhook(w.tenant, w.webhookId)).toEqual(r1);
    // A second rotation after the first overlap ended: the first secret is gone, the second overlaps.
    const r2 = await store.rotateSecret(w.tenant, w.webhookId, 'whsec_new2', at(200), at(61));
    expect(r2?.secrets.map((s) => [s.secret, s.expiresAt])).toEqual([
      ['whsec_new2', null],
      ['whsec_new1', at(200)],
    ]);
    // A rotation with no overlap ends the old secret's signing at once.
    const r3 = await store.rotateSecret(w.tenant, w.webhookId, 'whsec_new3', at(62), at(62));
    expect(r3?.secrets.map((s) => s.secret)).toEqual(['whsec_new3']);
    expect(r3?.updatedAt).toBe(at(62));
    expect(await store.rotateSecret(tenant('nobody'), w.webhookId, 'whsec_x', at(1), at(1))).toBeNull();
  });

  it('creates a delivery once: a redelivered event gets the stored one back', async () => {
    const store = make();
    const w = webhook(tenant('dlv'));
    const d = delivery(w, 1);
    expect(await store.startDelivery(d)).toEqual({ created: true, delivery: d });
    const again = await store.startDelivery({ ...d, payload: 'another body', createdAt: at(9) });
    expect(again).toEqual({ created: false, delivery: d });
    expect(await store.getDelivery(w.tenant, w.webhookId, d.deliveryId)).toEqual(d);
    expect(await store.getDelivery(tenant('other'), w.webhookId, d.deliveryId)).toBeNull();
  });

  it('records each attempt once, keeps the last ones, and reopens on a manual retry', async () => {
    const store = make();
    const w = webhook(tenant('att'));
    const d = delivery(w, 2);
    await store.startDelivery(d);
    const first = await store.recordAttempt(w.tenant, w.webhookId, d.deliveryId, attempt(1), {
      status: 'failed',
      nextAttemptAt: at(105),
    });
    expect(first).toMatchObject({ attemptCount: 1, status: 'failed', nextAttemptAt: at(105), attempts: [attempt(1)] });
    // The same attempt again (a redelivered queue message): unchanged.
    const dup = await store.recordAttempt(w.tenant, w.webhookId, d.deliveryId, attempt(1, 'delivered'), {
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(dup).toEqual(first);
    for (let n = 2; n <= 12; n++)
      await store.recordAttempt(w.tenant, w.webhookId, d.deliveryId, attempt(n), {
        status: n === 12 ? 'dead' : 'failed',
        nextAttemptAt: n === 12 ? null : at(200),
      });
    const dead = await store.getDelivery(w.tenant, w.webhookId, d.deliveryId);
    expect(dead).toMatchObject({ attemptCount: 12, status: 'dead', nextAttemptAt: null });
    expect(dead?.attempts.map((a) => a.attempt)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(dead?.attempts).toHaveLength(DELIVERY_LOG.attemptsKept);

    const reopened = await store.reopenDelivery(w.tenant, w.webhookId, d.deliveryId, at(300));
    expect(reopened).toMatchObject({ status: 'pending', nextAttemptAt: at(300), updatedAt: at(300), attemptCount: 12 });
    expect(reopened?.attempts).toEqual(dead?.attempts);
    const retried = await store.recordAttempt(w.tenant, w.webhookId, d.deliveryId, attempt(13, 'delivered'), {
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(retried).toMatchObject({ attemptCount: 13, status: 'delivered' });
    expect(await store.reopenDelivery(w.tenant, w.webhookId, 'dlv_nothere', at(1))).toBeNull();
    expect(
      await store.recordAttempt(w.tenant, w.webhookId, 'dlv_nothere', attempt(1), {
        status: 'failed',
        nextAttemptAt: null,
      }),
    ).toBeNull();
  });

  it('reads a delivery and its endpoint in one call; an attempt over a stale read is recorded on the item as it is', async () => {
    const store = make();
    const w = webhook(tenant('both'));
    await store.createWebhook(w);
    const d = delivery(w, 3);
    await store.startDelivery(d);
    expect(await store.getDeliveryAndWebhook(w.tenant, w.webhookId, d.deliveryId)).toEqual({ delivery: d, webhook: w });
    expect(await store.getDeliveryAndWebhook(tenant('other'), w.webhookId, d.deliveryId)).toEqual({
      delivery: null,
      webhook: null,
    });
    const read = (await store.getDelivery(w.tenant, w.webhookId, d.deliveryId)) as typeof d;
    // Another receive records attempt 1 after this read: attempt 2 over the stale read still lands, after it.
    await store.recordAttempt(w.tenant, w.webhookId, d.deliveryId, attempt(1), {
      status: 'failed',
      nextAttemptAt: at(5),
    });
    const second = await store.recordAttempt(
      w.tenant,
      w.webhookId,
      d.deliveryId,
      attempt(2, 'delivered'),
      { status: 'delivered', nextAttemptAt: null },
      read,
    );
    expect(second?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(second).toMatchObject({ attemptCount: 2, status: 'delivered' });
    await store.deleteWebhook(w.tenant, w.webhookId);
    expect(await store.getDeliveryAndWebhook(w.tenant, w.webhookId, d.deliveryId)).toMatchObject({ webhook: null });
  });

  it('lists deliveries newest first, in pages, by status, and refuses a cursor it did not give', async () => {
    const store = make();
    const w = webhook(tenant('log'));
    const made = [];
    for (let n = 0; n < 7; n++) {
      const d = delivery(w, n, n % 3 === 0 ? { status: 'dead' } : {});
      await store.startDelivery(d);
      made.push(d);
    }
    // Another endpoint's deliveries are not in this log.
    await store.startDelivery(delivery(webhook(w.tenant), 3));
    const newestFirst = [...made].reverse().map((d) => d.deliveryId);
    expect((await allDeliveries(store, w, {})).map((d) => d.deliveryId)).toEqual(newestFirst);
    expect((await allDeliveries(store, w, { limit: 2 })).map((d) => d.deliveryId)).toEqual(newestFirst);
    expect((await allDeliveries(store, w, { limit: 3, status: 'dead' })).map((d) => d.deliveryId)).toEqual(
      [made[6], made[3], made[0]].map((d) => d?.deliveryId),
    );
    for (const bad of ['nope', Buffer.from('WH#x').toString('base64url'), '%%'])
      await expect(store.listDeliveries(w.tenant, w.webhookId, { cursor: bad })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
  });
});

describe('DynamoDbWebhookStore items', () => {
  it('expire DELIVERY_LOG.ttlDays after their last update; a stale endpoint count is repaired', async () => {
    const store = new DynamoDbWebhookStore(dynamo.client, dynamo.tableName);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const w = webhook('ttl');
    const d = delivery(w, 1);
    await store.startDelivery(d);
    const item = async () =>
      (
        await doc.send(
          new GetCommand({
            TableName: dynamo.tableName,
            Key: { pk: deliveriesPk(w.tenant, w.webhookId), sk: deliverySk(d.deliveryId) },
          }),
        )
      ).Item;
    const days = (epoch: unknown, iso: string) => ((epoch as number) - Date.parse(iso) / 1000) / 86_400;
    expect(days((await item())?.[TABLE.ttlAttribute], d.updatedAt)).toBe(DELIVERY_LOG.ttlDays);
    await store.reopenDelivery(w.tenant, w.webhookId, d.deliveryId, at(500));
    expect(days((await item())?.[TABLE.ttlAttribute], at(500))).toBe(DELIVERY_LOG.ttlDays);

    // A create that stopped between counting and writing leaves the count too high: the next create recounts.
    await doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { pk: webhooksPk('stale'), sk: WEBHOOK_COUNT_SK, webhooks: DELIVERY_LOG.maxWebhooksPerTenant },
      }),
    );
    await store.createWebhook(webhook('stale'));
    expect(await store.listWebhooks('stale')).toHaveLength(1);
  });
});
