/**
 * One `SupplierRiskChanged` event (issue 10) → a delivery per endpoint of its tenant whose filters take it.
 *
 * For each matching endpoint the delivery is started in the log (`startDelivery`, idempotent: its id is a hash of
 * the endpoint and the change's message id, shared/webhooks/payload.ts) with the body every attempt will send, then
 * its first attempt is queued on the notify queue as a `deliver` message grouped by tenant. The attempt itself runs
 * on that message (shared/notify/attempt.ts), not here: EventBridge can give an SQS target only a fixed message
 * group, so events reach the notifier on one group for all tenants, while the attempts — where a slow receiver
 * costs up to 10 s — are in the tenant's own group of the fair queue, and one endpoint's failure is that message's
 * alone. An event delivered again finds its deliveries: those already attempted are left to their own messages.
 */
import type { SupplierRiskChangedEvent } from '../changes/events.ts';
import { deliveryMessage } from '../webhooks/delivery-message.ts';
import { matchesFilters } from '../webhooks/filters.ts';
import { changePayload, deliveryIdFor, messageIdFor } from '../webhooks/payload.ts';
import type { Delivery, Webhook, WebhookStore } from '../webhooks/port.ts';
import type { NotifyDeps } from './attempt.ts';
import { type ScheduledMessage, sendDeliveryMessages } from './send.ts';

/** Store writes of one event's deliveries at once (a tenant has at most 10 endpoints). */
export const FAN_OUT_CONCURRENCY = 4;

export interface FanOutResult {
  /** The tenant's endpoints. */
  endpoints: number;
  /** Those whose filters take the change. */
  matched: number;
  /** Deliveries created by this event (not there from an earlier receive of it). */
  started: number;
  /** First attempts queued (new deliveries, and those an earlier receive created but did not queue). */
  queued: number;
}

/** Runs `work` on every item, at most `limit` at once; rejects with the first error once all have settled. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item).catch((e: unknown) => errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/**
 * The store, listing each tenant's endpoints once: one batch of events (one invocation) mostly holds one tenant's
 * changes, and its records run at once. Made per invocation, so an endpoint registered since shows on the next.
 */
export function listingOnce(store: WebhookStore): WebhookStore {
  const listed = new Map<string, Promise<Webhook[]>>();
  const listWebhooks = (tenant: string) => {
    let p = listed.get(tenant);
    if (!p) {
      p = store.listWebhooks(tenant);
      listed.set(tenant, p);
      // A failed listing is not kept: another record of the batch lists again.
      p.catch(() => listed.delete(tenant));
    }
    return p;
  };
  return Object.assign(Object.create(store) as WebhookStore, { listWebhooks });
}

/** The delivery of the change to one endpoint, as first stored. */
export function newDelivery(webhook: Webhook, event: SupplierRiskChangedEvent, now: Date): Delivery {
  const record = event.detail;
  const messageId = messageIdFor(record.tenant, record.changeId);
  const at = now.toISOString();
  return {
    tenant: record.tenant,
    webhookId: webhook.webhookId,
    deliveryId: deliveryIdFor(webhook.webhookId, messageId, record.at),
    messageId,
    changeId: record.changeId,
    eventType: 'supplier.risk_changed',
    status: 'pending',
    payload: changePayload(record),
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

export async function fanOut(
  deps: Pick<NotifyDeps, 'webhooks' | 'queue' | 'now'>,
  event: SupplierRiskChangedEvent,
): Promise<FanOutResult> {
  const record = event.detail;
  const endpoints = await deps.webhooks.listWebhooks(record.tenant);
  // A webhook of another tenant can never be listed here (the store keys them by tenant); checked all the same.
  const matching = endpoints.filter((w) => w.tenant === record.tenant && matchesFilters(w.filters, record));
  const now = deps.now();
  const first: ScheduledMessage[] = [];
  let started = 0;
  await forEachLimited(matching, FAN_OUT_CONCURRENCY, async (webhook) => {
    const { created, delivery } = await deps.webhooks.startDelivery(newDelivery(webhook, event, now));
    if (created) started++;
    // Not yet attempted: this receive queues its first attempt (again, if an earlier one died before it could).
    if (delivery.attemptCount === 0 && delivery.status === 'pending')
      first.push({ message: deliveryMessage(delivery, 1), delaySeconds: 0 });
  });
  await sendDeliveryMessages(deps.queue, first);
  return { endpoints: endpoints.length, matched: matching.length, started, queued: first.length };
}
