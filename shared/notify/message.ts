/**
 * What the notify queue carries (issue 10), two kinds of body:
 * - a `SupplierRiskChanged` event as the EventBridge rule delivers it to its SQS target (the envelope of
 *   shared/changes/events.ts, `detail` the change record): fan it out to the tenant's endpoints;
 * - a `deliver` message (shared/webhooks/delivery-message.ts): one attempt of one stored delivery, queued by the
 *   notifier (a first attempt, a retry, a hop of a long wait) or by the API (a test delivery, a retry from the log).
 * The event's record is checked for what the notifier reads (tenant, ids, time, bands, drivers); the rest passes as
 * it came, so a field added to the record later reaches receivers without a change here.
 */
import * as z from 'zod/mini';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_EVENT, type SupplierRiskChangedEvent } from '../changes/events.ts';
import { type DeliveryMessage, deliveryMessageSchema } from '../webhooks/delivery-message.ts';

const text = z.string().check(z.minLength(1), z.maxLength(256));
const band = z.enum(['low', 'medium', 'high', 'critical']);
const summary = z.nullable(
  z.looseObject({
    score: z.number(),
    band,
    worst: z.nullable(z.looseObject({ mineral: z.string(), originCountry: z.string() })),
  }),
);

export const changeRecordSchema = z.looseObject({
  changeId: text,
  tenant: text,
  supplierId: text,
  at: z.iso.datetime({ offset: true }),
  cause: z.looseObject({ kind: z.string() }),
  before: summary,
  after: summary,
  delta: z.nullable(z.number()),
  drivers: z.array(z.looseObject({ text: z.string(), mineral: z.nullable(z.string()) })),
});

/** The event as an EventBridge rule hands it to an SQS target: the whole event, as JSON, is the message body. */
export const changeEventSchema = z.looseObject({
  version: z.string(),
  id: text,
  'detail-type': z.literal(CHANGE_EVENT.detailType),
  source: z.literal(CHANGE_EVENT.source),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: changeRecordSchema,
});

export type NotifyMessage =
  | { kind: 'event'; event: SupplierRiskChangedEvent }
  | { kind: 'deliver'; message: DeliveryMessage };

export const notifyMessageSchema = z.union([deliveryMessageSchema, changeEventSchema]);

/** The parsed body as one of the two kinds. */
export function notifyMessage(parsed: z.infer<typeof notifyMessageSchema>): NotifyMessage {
  if ('detail-type' in parsed) {
    const detail = parsed.detail as unknown as ChangeRecord;
    return { kind: 'event', event: { ...(parsed as unknown as SupplierRiskChangedEvent), detail } };
  }
  return { kind: 'deliver', message: parsed };
}
