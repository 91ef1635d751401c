/**
 * An in-memory WebhookStore with the DynamoDB adapter's semantics (shared/store/webhooks.ts): the per-tenant limit,
 * a delivery created once, an attempt recorded once per number, the kept attempts bounded, rotations that drop expired
 * secrets, deliveries newest first in pages with an opaque cursor. test/integration/webhook-store.test.ts runs the
 * same cases against both.
 */
import { InvalidCursorError } from '../../shared/store/errors.ts';
import { deliverySk } from '../../shared/store/keys.ts';
import { rotatedSecrets } from '../../shared/store/webhooks.ts';
import {
  DELIVERY_LOG,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryStatus,
  MaxWebhooksError,
  type Webhook,
  type WebhookStore,
} from '../../shared/webhooks/port.ts';

const key = (...parts: string[]) => parts.join('\u0000');

export class FakeWebhookStore implements WebhookStore {
  readonly webhooks = new Map<string, Webhook>();
  readonly deliveries = new Map<string, Delivery>();

  async createWebhook(webhook: Webhook): Promise<void> {
    if ((await this.listWebhooks(webhook.tenant)).length >= DELIVERY_LOG.maxWebhooksPerTenant)
      throw new MaxWebhooksError(DELIVERY_LOG.maxWebhooksPerTenant);
    const k = key(webhook.tenant, webhook.webhookId);
    if (this.webhooks.has(k)) throw new Error(`webhook ${webhook.webhookId} exists`);
    this.webhooks.set(k, structuredClone(webhook));
  }

  async getWebhook(tenant: string, webhookId: string): Promise<Webhook | null> {
    return structuredClone(this.webhooks.get(key(tenant, webhookId)) ?? null);
  }

  async listWebhooks(tenant: string): Promise<Webhook[]> {
    return [...this.webhooks.values()]
      .filter((w) => w.tenant === tenant)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.webhookId.localeCompare(b.webhookId))
      .map((w) => structuredClone(w));
  }

  async deleteWebhook(tenant: string, webhookId: string): Promise<boolean> {
    return this.webhooks.delete(key(tenant, webhookId));
  }

  async rotateSecret(tenant: string, webhookId: string, secret: string, overlapUntil: string, now: string) {
    const w = this.webhooks.get(key(tenant, webhookId));
    if (!w) return null;
    w.secrets = rotatedSecrets(w.secrets, secret, overlapUntil, now);
    if (now > w.updatedAt) w.updatedAt = now;
    return structuredClone(w);
  }

  async startDelivery(delivery: Delivery) {
    const k = key(delivery.tenant, delivery.webhookId, delivery.deliveryId);
    const stored = this.deliveries.get(k);
    if (stored) return { created: false, delivery: structuredClone(stored) };
    this.deliveries.set(k, structuredClone(delivery));
    return { created: true, delivery: structuredClone(delivery) };
  }

  async getDelivery(tenant: string, webhookId: string, deliveryId: string) {
    return structuredClone(this.deliveries.get(key(tenant, webhookId, deliveryId)) ?? null);
  }

  async getDeliveryAndWebhook(tenant: string, webhookId: string, deliveryId: string) {
    return {
      delivery: await this.getDelivery(tenant, webhookId, deliveryId),
      webhook: await this.getWebhook(tenant, webhookId),
    };
  }

  async recordAttempt(
    tenant: string,
    webhookId: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt: string | null },
  ) {
    const d = this.deliveries.get(key(tenant, webhookId, deliveryId));
    if (!d) return null;
    if (d.attemptCount < attempt.attempt) {
      d.attemptCount = attempt.attempt;
      d.attempts = [...d.attempts, structuredClone(attempt)].slice(-DELIVERY_LOG.attemptsKept);
      d.status = next.status;
      d.nextAttemptAt = next.nextAttemptAt;
      if (attempt.at > d.updatedAt) d.updatedAt = attempt.at;
    }
    return structuredClone(d);
  }

  async reopenDelivery(tenant: string, webhookId: string, deliveryId: string, now: string) {
    const d = this.deliveries.get(key(tenant, webhookId, deliveryId));
    if (!d) return null;
    Object.assign(d, { status: 'pending', nextAttemptAt: now, updatedAt: now });
    return structuredClone(d);
  }

  async listDeliveries(
    tenant: string,
    webhookId: string,
    options: { limit?: number; cursor?: string; status?: DeliveryStatus } = {},
  ) {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 100));
    let after: string | null = null;
    if (options.cursor !== undefined) {
      const id = Buffer.from(options.cursor, 'base64url').toString('utf8').replace(/^DLV#/, '');
      if (!/^dlv_[0-9a-z_]{1,120}$/.test(id)) throw new InvalidCursorError('not a cursor of the delivery log');
      after = id;
    }
    // Newest first by id (ids start with the event time); `limit` items read, then filtered, as a Query does.
    const all = [...this.deliveries.values()]
      .filter((d) => d.tenant === tenant && d.webhookId === webhookId)
      .sort((a, b) => (a.deliveryId < b.deliveryId ? 1 : a.deliveryId > b.deliveryId ? -1 : 0))
      .filter((d) => after === null || d.deliveryId < after);
    const read = all.slice(0, limit);
    const last = read.length === limit && all.length > limit ? read[read.length - 1] : undefined;
    return {
      items: read.filter((d) => !options.status || d.status === options.status).map((d) => structuredClone(d)),
      cursor: last ? Buffer.from(deliverySk(last.deliveryId), 'utf8').toString('base64url') : null,
    };
  }
}
