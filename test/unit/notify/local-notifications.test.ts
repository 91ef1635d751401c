/**
 * The local wiring (infra/local/notifications.ts) end to end on one machine: the in-process bus → the local notify
 * queue → the real notifier → a real HTTP receiver on 127.0.0.1, with the real deliver() in local mode. The store is
 * the in-memory fake (its DynamoDB twin is tested against it in test/integration/webhook-store.test.ts). The queue's
 * time scale compresses the day of retries to seconds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalNotifications } from '../../../infra/local/notifications.ts';
import { quietLocalTelemetry } from '../../../infra/local/runtime.ts';
import { MAX_ATTEMPTS } from '../../../shared/webhooks/retry-schedule.ts';
import { generateSecret, verify } from '../../../shared/webhooks/signature.ts';
import { change, webhook } from '../../helpers/fake-notify.ts';
import { FakeWebhookStore } from '../../helpers/fake-webhooks.ts';

beforeAll(() => quietLocalTelemetry());

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Hit {
  id: string;
  body: string;
  verified: boolean;
}

/** A receiver on 127.0.0.1 answering `status(n)` to its n-th request (from 1), verifying each signature. */
async function receiver(secret: string, status: (n: number) => number) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        verify(body, req.headers, secret);
      } catch {
        verified = false;
      }
      hits.push({ id: String(req.headers['webhook-id']), body, verified });
      res.writeHead(status(hits.length)).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

async function setup(timeScale: number, status: (n: number) => number) {
  const secret = generateSecret();
  const r = await receiver(secret, status);
  const store = new FakeWebhookStore();
  await store.createWebhook(
    webhook({
      webhookId: 'wh_local',
      url: r.url,
      secrets: [{ secret, createdAt: '2026-11-01T00:00:00.000Z', expiresAt: null }],
    }),
  );
  const n = await startLocalNotifications({ webhooks: store, timeScale });
  closers.push(() => n.stop());
  return { ...r, store, n };
}

const onlyDelivery = (store: FakeWebhookStore) => [...store.deliveries.values()][0];

describe('local notifications', () => {
  it('a published change reaches the receiver, signed; a receiver failing twice gets it at the third attempt, same id', async () => {
    const { n, hits, store } = await setup(0.0005, (k) => (k <= 2 ? 503 : 200));
    await n.publisher.publish([change()]);
    await expect.poll(() => onlyDelivery(store)?.status, { timeout: 10_000 }).toBe('delivered');
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.verified)).toBe(true);
    expect(new Set(hits.map((h) => h.id)).size).toBe(1);
    expect(JSON.parse(hits[2]?.body ?? '')).toMatchObject({ type: 'supplier.risk_changed', data: change() });
    expect(onlyDelivery(store)).toMatchObject({
      attemptCount: 3,
      attempts: [{ httpStatus: 503 }, { httpStatus: 503 }, { httpStatus: 200 }],
    });
    await n.queue.drain({ timeoutMs: 5000 });
    expect(n.queue.dlq).toHaveLength(0);
  });

  it('a receiver down for good: every attempt of the schedule, then dead in the log; the queue drains, no DLQ', async () => {
    // 27.6 h of schedule at 1/20,000: about 5 s.
    const { n, hits, store } = await setup(0.00005, () => 500);
    await n.publisher.publish([change()]);
    await expect.poll(() => onlyDelivery(store)?.status, { timeout: 30_000, interval: 100 }).toBe('dead');
    expect(hits).toHaveLength(MAX_ATTEMPTS);
    await n.queue.drain({ timeoutMs: 5000 });
    expect(n.queue.dlq).toHaveLength(0);
    // The schedule's long waits are beyond SQS's 900 s delay, so they are crossed in hops: 113 messages at nominal
    // speed, fewer when the machine is slow (real time passes between hops); without hops there would be 9.
    expect(n.queue.stats().sent).toBeGreaterThan(3 * MAX_ATTEMPTS);
  }, 60_000);

  it('attaches to a queue it is given and leaves it open on stop', async () => {
    const first = await startLocalNotifications({ webhooks: new FakeWebhookStore(), timeScale: 0.001 });
    closers.push(() => first.stop());
    const { queue } = first;
    await queue.stop();
    const second = await startLocalNotifications({ webhooks: new FakeWebhookStore(), queue });
    expect(second.queue).toBe(queue);
    await second.stop();
    await expect(queue.send('{"v":1}')).resolves.toMatchObject({ messageId: expect.any(String) });
  });
});
