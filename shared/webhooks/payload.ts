/**
 * What a webhook receives (issue 10): the body, its message id (the `webhook-id` header) and the delivery it is
 * logged under. The envelope is the one the Standard Webhooks spec recommends, `{ type, timestamp, data }`; for a
 * change, `data` is the change record as GET /v1/changes lists it. Pure: the API (test deliveries) and the notifier
 * (changes) build bodies and ids here, so a redelivered event maps to the same message and the same delivery.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ChangeRecord } from '../changes/change-record.ts';

export const EVENT_TYPES = ['supplier.risk_changed', 'webhook.test'] as const;
export type WebhookEventType = (typeof EVENT_TYPES)[number];

export interface WebhookTestData {
  webhookId: string;
  /** In words, for whoever reads the receiver's log. */
  message: string;
}

export type WebhookPayload =
  | { type: 'supplier.risk_changed'; timestamp: string; data: ChangeRecord }
  | { type: 'webhook.test'; timestamp: string; data: WebhookTestData };

/** Crockford's base32, lower case: no i, l, o, u; sorts like the numbers it encodes. */
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
}

/** `chars` base32 characters of a SHA-256 of the parts (joined with a NUL, which no id holds). */
const hash = (chars: number, ...parts: string[]) =>
  base32(createHash('sha256').update(parts.join('\u0000'), 'utf8').digest(), chars);

/** Milliseconds since the epoch as 10 base32 characters (48 bits, until the year 10889): sorts as time does. */
export function timePrefix(ms: number): string {
  let out = '';
  let v = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = BASE32[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/** `wh_` + 26 random base32 characters (130 bits). */
export const newWebhookId = () => `wh_${base32(randomBytes(17), 26)}`;

/**
 * The `webhook-id` of a change: `msg_` + a hash of the tenant and the change id, the same at every attempt, for every
 * endpoint, and for a change written or published again, so a receiver can de-duplicate on it.
 */
export const messageIdFor = (tenant: string, changeId: string) => `msg_${hash(26, 'change', tenant, changeId)}`;

/** A test delivery's message id: new for every test asked for. */
export const testMessageId = () => `msg_test_${base32(randomBytes(17), 26)}`;

/**
 * The delivery of a message to an endpoint: `dlv_` + the time of the event (10 base32 characters of its
 * milliseconds, so the log lists newest first by key) + a hash of the endpoint and message id. The same event
 * redelivered maps to the same delivery.
 */
export function deliveryIdFor(webhookId: string, messageId: string, at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(at)}`);
  return `dlv_${timePrefix(ms)}${hash(16, 'delivery', webhookId, messageId)}`;
}

/** The body of a change's delivery, serialised once: every attempt sends these very bytes. */
export const changePayload = (record: ChangeRecord): string =>
  JSON.stringify({ type: 'supplier.risk_changed', timestamp: record.at, data: record } satisfies WebhookPayload);

/** The body of a test delivery (POST /v1/webhooks/{webhookId}/test). */
export const testPayload = (webhookId: string, at: Date): string =>
  JSON.stringify({
    type: 'webhook.test',
    timestamp: at.toISOString(),
    data: {
      webhookId,
      message: 'A test delivery from mineral-risk: verify its signature with your endpoint secret.',
    },
  } satisfies WebhookPayload);
