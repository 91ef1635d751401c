/**
 * One attempt of one delivery, and the whole retry schedule on a manual clock, through in-memory fakes
 * (test/helpers/fake-notify.ts; the receiver is a scripted stand-in for deliver()).
 */
import { describe, expect, it } from 'vitest';
import type { MineralRiskError } from '../../../shared/errors.ts';
import { attemptDelivery, signingSecrets } from '../../../shared/notify/attempt.ts';
import { fanOut } from '../../../shared/notify/fan-out.ts';
import { MAX_DELAY_SECONDS } from '../../../shared/notify/schedule.ts';
import { QueueUnavailableError } from '../../../shared/queue/send-messages.ts';
import {
  DeliveryConnectionError,
  DeliveryRedirectError,
  type DeliveryResult,
  DeliveryStatusError,
} from '../../../shared/webhooks/deliver.ts';
import { type DeliveryMessage, deliveryMessageSchema } from '../../../shared/webhooks/delivery-message.ts';
import { DestinationRefusedError } from '../../../shared/webhooks/destination.ts';
import { DELIVERY_LOG, type Delivery } from '../../../shared/webhooks/port.ts';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../../shared/webhooks/retry-schedule.ts';
import { changeEvent, notifyFixture, ok, secret, T0, webhook } from '../../helpers/fake-notify.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';

type Fixture = ReturnType<typeof notifyFixture>;

const failed = (
  status: number | null,
  error: MineralRiskError = new DeliveryStatusError(status ?? 500),
): DeliveryResult => ({
  ok: false,
  status,
  durationMs: 30,
  responseBody: 'upstream down',
  error,
});

/** One endpoint, one change: the delivery started and its first message taken off the queue. */
async function started(f: Fixture, webhookId = 'wh_a'): Promise<{ message: DeliveryMessage; url: string }> {
  const w = webhook({ webhookId });
  await f.store.createWebhook(w);
  await fanOut(f.deps, changeEvent());
  const entry = f.queue.sent.shift();
  return { message: deliveryMessageSchema.parse(JSON.parse(entry?.body ?? '')), url: w.url };
}

const stored = (f: Fixture, m: DeliveryMessage) =>
  f.store.getDelivery(m.tenant, m.webhookId, m.deliveryId) as Promise<Delivery>;

/**
 * Runs the notify queue as SQS would: each message arrives after its delay (the clock moves to it), in order of
 * arrival; returns the messages processed and the attempts made.
 */
async function runQueue(f: Fixture, first: DeliveryMessage) {
  const pending: { due: number; message: DeliveryMessage }[] = [{ due: f.clock.now, message: first }];
  let messages = 0;
  while (pending.length > 0) {
    pending.sort((a, b) => a.due - b.due);
    const { due, message } = pending.shift() as { due: number; message: DeliveryMessage };
    f.clock.now = Math.max(f.clock.now, due);
    await attemptDelivery(f.deps, message);
    messages++;
    for (const e of f.queue.sent.splice(0)) {
      expect(e.groupId).toBe(message.tenant);
      expect(e.delaySeconds ?? 0).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
      pending.push({ due: f.clock.now + (e.delaySeconds ?? 0) * 1000, message: JSON.parse(e.body) });
    }
  }
  return { messages };
}

describe('one attempt', () => {
  it('a 2xx: delivered, signed with the message id and the stored body, the answer cut to 256 characters', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => ok(200, 'x'.repeat(5000)));
    const r = await attemptDelivery(f.deps, message);
    expect(r).toMatchObject({ outcome: 'delivered' });
    const d = await stored(f, message);
    expect(d).toMatchObject({ status: 'delivered', attemptCount: 1, nextAttemptAt: null });
    expect(d.attempts[0]).toMatchObject({ attempt: 1, outcome: 'delivered', httpStatus: 200, error: null });
    expect(d.attempts[0]?.responseExcerpt).toHaveLength(DELIVERY_LOG.responseExcerptChars);
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.request).toEqual({ url, id: d.messageId, body: d.payload, secrets: [secret(1)] });
    expect(f.calls[0]?.options.mode).toBe('aws');
    expect(f.queue.sent).toHaveLength(0);
  });

  it('a 500: failed, the next attempt scheduled 5 s later and queued with that delay', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => failed(500));
    expect(await attemptDelivery(f.deps, message)).toMatchObject({ outcome: 'failed' });
    const d = await stored(f, message);
    expect(d).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: new Date(T0 + 5000).toISOString() });
    expect(d.attempts[0]).toMatchObject({
      httpStatus: 500,
      error: 'the receiver answered 500',
      responseExcerpt: 'upstream down',
    });
    expect(f.queue.sent).toHaveLength(1);
    expect(f.queue.sent[0]).toMatchObject({ groupId: 'acme', delaySeconds: 5 });
    expect(JSON.parse(f.queue.sent[0]?.body ?? '')).toEqual({ ...message, attempt: 2 });
  });

  it.each([
    ['410 Gone', failed(410)],
    ['a redirect', failed(301, new DeliveryRedirectError(301, 'https://elsewhere.example.com/'))],
    ['a refused destination', failed(null, new DestinationRefusedError('resolves to a private address', 'address'))],
  ])('%s: dead at once, no retry', async (_, result) => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => result);
    const r = await attemptDelivery(f.deps, message);
    expect(r).toMatchObject({ outcome: 'dead' });
    expect(await stored(f, message)).toMatchObject({ status: 'dead', attemptCount: 1, nextAttemptAt: null });
    expect(f.queue.sent).toHaveLength(0);
  });

  it('the endpoint was deleted: the delivery is dead ("endpoint deleted") and nothing is sent', async () => {
    const f = notifyFixture();
    const { message } = await started(f);
    await f.store.deleteWebhook('acme', 'wh_a');
    expect(await attemptDelivery(f.deps, message)).toMatchObject({ outcome: 'dead', deadBecause: 'endpoint deleted' });
    const d = await stored(f, message);
    expect(d).toMatchObject({ status: 'dead', attempts: [{ error: 'endpoint deleted', httpStatus: null }] });
    expect(f.calls).toHaveLength(0);
  });

  it('signs with the unexpired secrets only, newest first', () => {
    const w = webhook({
      webhookId: 'wh_a',
      secrets: [
        { secret: secret(3), createdAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-02T00:00:00.000Z' },
        { secret: secret(1), createdAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-04T00:00:00.000Z' },
        { secret: secret(2), createdAt: '2026-12-02T00:00:00.000Z', expiresAt: null },
      ],
    });
    expect(signingSecrets(w, new Date(T0))).toEqual([secret(2), secret(1)]);
  });

  it('no unexpired secret: deliver refuses to sign, and the delivery is dead rather than retried for a day', async () => {
    const f = notifyFixture();
    const { message } = await started(f);
    f.deps.deliver = async () => {
      throw new RangeError('no secret to sign with');
    };
    expect(await attemptDelivery(f.deps, message)).toMatchObject({ outcome: 'dead' });
    expect((await stored(f, message)).attempts[0]?.error).toMatch(/could not be signed/);
  });

  it('a message received again changes nothing: no second POST, no second retry', async () => {
    const f = notifyFixture();
    const { message } = await started(f);
    await attemptDelivery(f.deps, message);
    expect(await attemptDelivery(f.deps, message)).toMatchObject({ outcome: 'skipped' });
    expect(f.calls).toHaveLength(1);
    expect(f.queue.sent).toHaveLength(0);
  });

  it('recorded but its retry never queued (the process died): the message received again queues the retry', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => failed(503));
    let down = true;
    const queue = fakeQueue({ down: () => down });
    f.deps.queue = queue;
    await expect(attemptDelivery(f.deps, message)).rejects.toThrow(QueueUnavailableError);
    expect(await stored(f, message)).toMatchObject({ status: 'failed', attemptCount: 1 });
    down = false;
    // The same message, received a second time.
    expect(await attemptDelivery(f.deps, message, 2)).toMatchObject({ outcome: 'deferred', delaySeconds: 5 });
    expect(f.calls).toHaveLength(1);
    expect(JSON.parse(queue.sent.at(-1)?.body ?? '')).toMatchObject({ attempt: 2 });
  });

  it('a copy of a first attempt received for the first time (an event fanned out twice) queues nothing more', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => failed(503));
    await attemptDelivery(f.deps, message);
    expect(f.queue.sent).toHaveLength(1);
    expect(await attemptDelivery(f.deps, message, 1)).toMatchObject({ outcome: 'skipped' });
    expect(f.queue.sent).toHaveLength(1);
    expect(f.calls).toHaveLength(1);
  });

  it('a message that comes before its time hops: sent again with what is left, at most 900 s', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => failed(500));
    // Fail attempts 1–3: the fourth is due 2 h after the third.
    await runQueueUntil(f, message, 3);
    const d = await stored(f, message);
    expect(d.attemptCount).toBe(3);
    const due = Date.parse(d.nextAttemptAt ?? '');
    expect(due - f.clock.now).toBe(RETRY_DELAYS_MS[2]);
    const next = JSON.parse(f.queue.sent.at(-1)?.body ?? '') as DeliveryMessage;
    expect(f.queue.sent.at(-1)?.delaySeconds).toBe(MAX_DELAY_SECONDS);
    f.clock.now += MAX_DELAY_SECONDS * 1000;
    expect(await attemptDelivery(f.deps, next)).toEqual({ outcome: 'deferred', delaySeconds: MAX_DELAY_SECONDS });
    f.clock.now = due - 200_000;
    expect(await attemptDelivery(f.deps, next)).toEqual({ outcome: 'deferred', delaySeconds: 200 });
    expect(f.calls).toHaveLength(3);
  });

  it("compressed with the local queue's time scale: real times stored, the queue's delays sent", async () => {
    const f = notifyFixture();
    f.deps.timeScale = 0.001;
    const { message, url } = await started(f);
    f.answer(url, () => failed(500));
    await runQueueUntil(f, message, 5);
    const d = await stored(f, message);
    // The fifth attempt failed: the sixth is 5 h away in the queue's time, 18 s in real time.
    expect(Date.parse(d.nextAttemptAt ?? '') - f.clock.now).toBe(18_000);
    expect(f.queue.sent.at(-1)?.delaySeconds).toBe(MAX_DELAY_SECONDS);
    const next = JSON.parse(f.queue.sent.at(-1)?.body ?? '') as DeliveryMessage;
    f.clock.now += MAX_DELAY_SECONDS;
    expect(await attemptDelivery(f.deps, next)).toEqual({ outcome: 'deferred', delaySeconds: MAX_DELAY_SECONDS });
    f.clock.now = Date.parse(d.nextAttemptAt ?? '') - 500;
    // 500 real ms before it is due: 500 s of the queue's time, one more hop.
    expect(await attemptDelivery(f.deps, next)).toEqual({ outcome: 'deferred', delaySeconds: 500 });
    f.clock.now += 500;
    expect(await attemptDelivery(f.deps, next)).toMatchObject({ outcome: 'failed' });
  });

  it('a manual retry from the log reopens a dead delivery for one more attempt', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => failed(410));
    await attemptDelivery(f.deps, message);
    f.answer(url, () => ok());
    f.clock.now += 3_600_000;
    const reopened = await f.store.reopenDelivery(
      'acme',
      'wh_a',
      message.deliveryId,
      new Date(f.clock.now).toISOString(),
    );
    expect(await attemptDelivery(f.deps, { ...message, attempt: (reopened?.attemptCount ?? 0) + 1 })).toMatchObject({
      outcome: 'delivered',
    });
    expect(await stored(f, message)).toMatchObject({ status: 'delivered', attemptCount: 2 });
  });
});

/** Runs attempts until `attempts` have been made, leaving the next message on the fake queue. */
async function runQueueUntil(f: Fixture, first: DeliveryMessage, attempts: number) {
  let message = first;
  for (;;) {
    await attemptDelivery(f.deps, message);
    if (f.calls.length >= attempts) return;
    const e = f.queue.sent.shift();
    if (!e) return;
    f.clock.now += (e.delaySeconds ?? 0) * 1000;
    message = JSON.parse(e.body);
  }
}

describe('the whole schedule', () => {
  it('a receiver down for good: 8 attempts at the schedule times over about 27.5 h, made of hops, then dead', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () =>
      failed(null, new DeliveryConnectionError('the connection failed: ECONNREFUSED', 'ECONNREFUSED')),
    );
    const { messages } = await runQueue(f, message);

    expect(f.calls).toHaveLength(MAX_ATTEMPTS);
    const gaps = f.calls.slice(1).map((c, i) => c.at - (f.calls[i]?.at ?? 0));
    expect(gaps).toEqual([...RETRY_DELAYS_MS]);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(27.6, 1);
    // Every wait over 900 s is made of ceil(wait / 900 s) messages.
    const expected = RETRY_DELAYS_MS.reduce((n, ms) => n + Math.ceil(ms / 1000 / MAX_DELAY_SECONDS), 1);
    expect(messages).toBe(expected);
    const d = await stored(f, message);
    expect(d).toMatchObject({ status: 'dead', attemptCount: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(d.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(f.calls.map((c) => c.request.id)).size).toBe(1);
  });

  it('a receiver back after 3 hours gets the change at the next scheduled attempt', async () => {
    const f = notifyFixture();
    const { message, url } = await started(f);
    f.answer(url, () => (f.clock.now < T0 + 3 * 3_600_000 ? failed(502) : ok()));
    await runQueue(f, message);
    // Attempts at 0, 5 s, 5 min, 35 min and 2 h 35 min fail; the sixth, 5 h later, is received.
    expect(await stored(f, message)).toMatchObject({ status: 'delivered', attemptCount: 6 });
  });
});
