/**
 * Webhook endpoints and their delivery log, as the API and the notifier see them (issue 10). One tenant's items
 * are keyed under that tenant, so no call of this port can read or write another tenant's.
 */
import type { ChangeKind } from '../changes/events.ts';
import { MineralRiskError } from '../errors.ts';
import type { Band } from '../model/types.ts';

/** What an endpoint receives; every field optional, all given must match (an empty filter takes every event). */
export interface WebhookFilters {
  /** The band before or after the change is one of these. */
  bands?: Band[];
  /** |delta| at least this (points); new and deleted suppliers pass it, as do band changes. */
  minDelta?: number;
  /** The change's worst mineral (before or after) or a driver that moved is about one of these. */
  minerals?: string[];
  /** Which kinds of change (default all three). */
  kinds?: ChangeKind[];
}

export interface WebhookSecret {
  /** `whsec_` + base64 of 24–64 random bytes: returned once, at creation or rotation, never listed. */
  secret: string;
  createdAt: string;
  /** During a rotation's overlap the old secret signs too, until this time; null = current secret. */
  expiresAt: string | null;
}

export interface Webhook {
  tenant: string;
  /** `wh_` + 26 random base32 characters. */
  webhookId: string;
  url: string;
  description: string | null;
  filters: WebhookFilters;
  /** Newest first; expired ones are pruned on the next rotation and ignored when signing. */
  secrets: WebhookSecret[];
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed';
  /** The receiver's HTTP status; null when none came (timeout, refused, TLS, refused destination). */
  httpStatus: number | null;
  /** Why it failed, in words (the error's message); null when delivered. */
  error: string | null;
  /** At most 256 characters of the response body: nothing more is stored. */
  responseExcerpt: string | null;
  durationMs: number;
}

export interface Delivery {
  tenant: string;
  webhookId: string;
  /** `dlv_` + hash(webhookId, messageId): one per endpoint and message, so a redelivered event finds it. */
  deliveryId: string;
  /** The webhook-id header: `msg_` + hash(tenant, changeId), the same for every attempt and every endpoint. */
  messageId: string;
  /** null for a test delivery. */
  changeId: string | null;
  eventType: 'supplier.risk_changed' | 'webhook.test';
  /** pending: an attempt is queued or due; failed: the last attempt failed and another is scheduled; dead: no more. */
  status: DeliveryStatus;
  /** The JSON body, sent byte for byte at every attempt (the signature covers it). */
  payload: string;
  attemptCount: number;
  /** The last attempts, oldest first (at most DELIVERY_LOG.attemptsKept). */
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const DELIVERY_LOG = {
  attemptsKept: 10,
  responseExcerptChars: 256,
  /** Delivery items expire 30 days after their last update. */
  ttlDays: 30,
  /** Endpoints per tenant. */
  maxWebhooksPerTenant: 10,
} as const;

/** The tenant already has DELIVERY_LOG.maxWebhooksPerTenant endpoints: delete one first. */
export class MaxWebhooksError extends MineralRiskError {
  override readonly name = 'MaxWebhooksError';
  readonly retryable = false;
  constructor(readonly max: number) {
    super(`a tenant has at most ${max} webhook endpoints: delete one first`);
  }
}

export interface WebhookStore {
  /** Throws MaxWebhooksError when the tenant already has the maximum number of endpoints. */
  createWebhook(webhook: Webhook): Promise<void>;
  getWebhook(tenant: string, webhookId: string): Promise<Webhook | null>;
  listWebhooks(tenant: string): Promise<Webhook[]>;
  /** True if it existed. Its deliveries stay in the log until they expire. */
  deleteWebhook(tenant: string, webhookId: string): Promise<boolean>;
  /** Puts `secret` first; the current one expires at `overlapUntil`; expired ones are dropped. null if no such endpoint. */
  rotateSecret(
    tenant: string,
    webhookId: string,
    secret: string,
    overlapUntil: string,
    now: string,
  ): Promise<Webhook | null>;
  /** Creates the delivery unless it exists (a redelivered event); returns it as stored either way. */
  startDelivery(delivery: Delivery): Promise<{ created: boolean; delivery: Delivery }>;
  getDelivery(tenant: string, webhookId: string, deliveryId: string): Promise<Delivery | null>;
  /** An attempt's one read: its delivery and its endpoint (either null when gone). */
  getDeliveryAndWebhook(
    tenant: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<{ delivery: Delivery | null; webhook: Webhook | null }>;
  /**
   * Appends an attempt and sets the status and next attempt time, unless an attempt with that number is already
   * recorded (a redelivered queue message): then returns the delivery unchanged. `read`: the delivery as the caller
   * just read it, which saves the store a read (after a conflicting write it reads again).
   */
  recordAttempt(
    tenant: string,
    webhookId: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt: string | null },
    read?: Delivery,
  ): Promise<Delivery | null>;
  /** A manual retry from the log: status back to pending, attempts kept; null if no such delivery. */
  reopenDelivery(tenant: string, webhookId: string, deliveryId: string, now: string): Promise<Delivery | null>;
  /** Newest first, in pages (cursor opaque; one not given out here throws InvalidCursorError of store/port.ts). */
  listDeliveries(
    tenant: string,
    webhookId: string,
    options?: { limit?: number; cursor?: string; status?: DeliveryStatus },
  ): Promise<{ items: Delivery[]; cursor: string | null }>;
}
