/**
 * One attempt of one webhook delivery (issue 10), for a `deliver` message of the notify queue. Decides, in order:
 *
 * 1. the delivery is gone, delivered or dead: nothing to do (a stale or repeated message);
 * 2. this attempt is already recorded: nothing, except when this very message comes back (received before) for the
 *    last attempt recorded, still failed: its retry may not have been queued (the process died between the two, or
 *    the send failed), so queue it again. A copy of the message received for the first time (an event fanned out
 *    twice) queues nothing, so copies do not multiply along the schedule;
 * 3. the delivery's `nextAttemptAt` is still ahead: send the message again with min(900 s, the rest) of delay (a
 *    hop, shared/notify/schedule.ts);
 * 4. the endpoint was deleted: the delivery is dead ("endpoint deleted");
 * 5. otherwise POST it, signed with the endpoint's unexpired secrets, newest first (shared/webhooks/deliver.ts), and
 *    record the attempt; on failure queue the next attempt at the schedule's time, or, after the last attempt or an
 *    error that cannot succeed again (410, a redirect, a refused destination), mark it dead.
 *
 * At least once: a message delivered twice at the same time may POST twice; the receiver de-duplicates on the
 * webhook-id, which is the same at every attempt. The attempt's number is recorded once whatever happens.
 */
import { MineralRiskError } from '../errors.ts';
import type { ScoreQueue } from '../queue/port.ts';
import type { DeliveryOptions, DeliveryRequest, DeliveryResult } from '../webhooks/deliver.ts';
import type { DeliveryMessage } from '../webhooks/delivery-message.ts';
import type { Delivery, DeliveryAttempt, Webhook, WebhookStore } from '../webhooks/port.ts';
import type { Random } from '../webhooks/retry-schedule.ts';
import { attemptOf, delaySecondsFor, hopDelaySeconds, type NextStep, nextStep } from './schedule.ts';
import { sendDeliveryMessages } from './send.ts';

/** deliver() refused the message itself (no unexpired secret, a malformed id): trying again cannot help. */
export class UnsignableDeliveryError extends MineralRiskError {
  override readonly name = 'UnsignableDeliveryError';
  readonly retryable = false;
  constructor(reason: string) {
    super(`the delivery could not be signed: ${reason}`);
  }
}

export interface NotifyDeps {
  webhooks: WebhookStore;
  /** The notify queue: retries and hops are sent back to it. */
  queue: ScoreQueue;
  /** One attempt (shared/webhooks/deliver.ts `deliver`); a parameter so tests can inject a receiver's answers. */
  deliver: (request: DeliveryRequest, options: DeliveryOptions) => Promise<DeliveryResult>;
  /** The SSRF mode (`aws` deployed, `local` in the local runtime), timeout and the rest of deliver's options. */
  deliveryOptions: DeliveryOptions;
  now: () => Date;
  /** The retry schedule's jitter (Math.random unless given). */
  random?: Random;
  /** The notify queue's time scale (the local runtime's; 1 in AWS): the schedule's waits are compressed by it. */
  timeScale?: number;
}

export type AttemptOutcome =
  | { outcome: 'delivered' | 'failed' | 'dead'; attempt: DeliveryAttempt; deadBecause: string | null }
  | { outcome: 'deferred'; delaySeconds: number }
  | { outcome: 'skipped'; reason: string };

/** The endpoint's secrets that still sign at `now`: the current one and any in a rotation's overlap, newest first. */
export function signingSecrets(webhook: Webhook, now: Date): string[] {
  const at = now.toISOString();
  return webhook.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > at)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((s) => s.secret);
}

const next = (m: DeliveryMessage, attempt: number, delaySeconds: number) => ({
  message: { ...m, attempt },
  delaySeconds,
});

/** The attempt a receiver never saw: the endpoint is gone, so the delivery ends here. */
const deletedAttempt = (attempt: number, now: Date): DeliveryAttempt => ({
  attempt,
  at: now.toISOString(),
  outcome: 'failed',
  httpStatus: null,
  error: 'endpoint deleted',
  responseExcerpt: null,
  durationMs: 0,
});

async function record(
  deps: NotifyDeps,
  m: DeliveryMessage,
  attempt: DeliveryAttempt,
  step: NextStep,
  /** The delivery as this attempt read it: the store writes over it without reading it again. */
  read: Delivery,
): Promise<{ recorded: boolean; delivery: Delivery | null }> {
  const delivery = await deps.webhooks.recordAttempt(
    m.tenant,
    m.webhookId,
    m.deliveryId,
    attempt,
    { status: step.status, nextAttemptAt: step.nextAttemptAt },
    read,
  );
  // Another receive of the same message recorded this number first: its retry is its own to queue.
  const mine = delivery?.attempts.find((a) => a.attempt === attempt.attempt)?.at === attempt.at;
  return { recorded: mine, delivery };
}

export async function attemptDelivery(
  deps: NotifyDeps,
  m: DeliveryMessage,
  /** How often the queue has handed this message out (ApproximateReceiveCount): 1 the first time. */
  receives = 1,
): Promise<AttemptOutcome> {
  // One read for both items: the delivery decides what to do, the endpoint is what an attempt sends with.
  const { delivery, webhook } = await deps.webhooks.getDeliveryAndWebhook(m.tenant, m.webhookId, m.deliveryId);
  if (!delivery) return { outcome: 'skipped', reason: 'no such delivery' };
  if (delivery.status === 'delivered' || delivery.status === 'dead')
    return { outcome: 'skipped', reason: `the delivery is ${delivery.status}` };
  const now = deps.now();
  if (m.attempt <= delivery.attemptCount) {
    if (receives > 1 && m.attempt === delivery.attemptCount && delivery.status === 'failed') {
      // Its retry may never have been queued; queueing it twice costs at most a duplicate the receiver drops.
      const delaySeconds = hopDelaySeconds(delivery.nextAttemptAt, now, deps.timeScale) ?? 0;
      await sendDeliveryMessages(deps.queue, [next(m, m.attempt + 1, delaySeconds)]);
      return { outcome: 'deferred', delaySeconds };
    }
    return { outcome: 'skipped', reason: `attempt ${m.attempt} is already recorded` };
  }
  if (m.attempt > delivery.attemptCount + 1)
    return { outcome: 'skipped', reason: `attempt ${m.attempt} after ${delivery.attemptCount} recorded` };

  const hop = hopDelaySeconds(delivery.nextAttemptAt, now, deps.timeScale);
  if (hop !== null) {
    await sendDeliveryMessages(deps.queue, [next(m, m.attempt, hop)]);
    return { outcome: 'deferred', delaySeconds: hop };
  }

  if (!webhook) {
    const attempt = deletedAttempt(m.attempt, now);
    const step: NextStep = { status: 'dead', nextAttemptAt: null, retryInMs: null, deadBecause: 'endpoint deleted' };
    await record(deps, m, attempt, step, delivery);
    return { outcome: 'dead', attempt, deadBecause: step.deadBecause };
  }

  const result = await deliverSafely(deps, webhook, delivery, now);
  const attempt = attemptOf(result, m.attempt, now);
  const step = nextStep(result, m.attempt, deps.now(), { random: deps.random, timeScale: deps.timeScale });
  const { recorded } = await record(deps, m, attempt, step, delivery);
  if (recorded && step.retryInMs !== null)
    await sendDeliveryMessages(deps.queue, [next(m, m.attempt + 1, delaySecondsFor(step.retryInMs))]);
  const outcome = step.status === 'delivered' || step.status === 'dead' ? step.status : 'failed';
  return { outcome, attempt, deadBecause: step.deadBecause };
}

/** deliver() throws only for a caller's bad id or secrets (no unexpired secret): that attempt cannot succeed again. */
async function deliverSafely(
  deps: NotifyDeps,
  webhook: Webhook,
  delivery: Delivery,
  now: Date,
): Promise<DeliveryResult> {
  try {
    return await deps.deliver(
      { url: webhook.url, id: delivery.messageId, body: delivery.payload, secrets: signingSecrets(webhook, now) },
      deps.deliveryOptions,
    );
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, status: null, durationMs: 0, error: new UnsignableDeliveryError(message) };
  }
}
