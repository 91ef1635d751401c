/**
 * The notify queue's message (issue 10): one attempt to deliver one stored delivery. The notifier reads the
 * payload, the endpoint and its secrets from the store, so the message carries ids only (and no secret).
 * Queued by the API (test deliveries, manual retries) and by the notifier itself (new changes, scheduled retries).
 */
import * as z from 'zod/mini';
import type { SendEntry } from '../queue/port.ts';

const id = z.string().check(z.minLength(1), z.maxLength(128));

export const deliveryMessageSchema = z.object({
  v: z.literal(1),
  kind: z.literal('deliver'),
  tenant: id,
  webhookId: id,
  deliveryId: id,
  /** The attempt this message makes (1 for the first): the store records each number once. */
  attempt: z.int().check(z.gte(1)),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

export const deliveryMessage = (
  d: { tenant: string; webhookId: string; deliveryId: string },
  attempt: number,
): DeliveryMessage => ({
  v: 1,
  kind: 'deliver',
  tenant: d.tenant,
  webhookId: d.webhookId,
  deliveryId: d.deliveryId,
  attempt,
});

/** The message as a queue entry: grouped by tenant (a fair queue), its id the delivery's and the attempt. */
export const deliveryEntry = (m: DeliveryMessage): SendEntry => ({
  id: `${m.deliveryId}-${m.attempt}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
  body: JSON.stringify(m),
  groupId: m.tenant,
});
