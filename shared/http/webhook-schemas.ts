/**
 * The webhook routes (issue 10): request bodies and queries the routes validate, and the bodies they answer (zod,
 * plain: `.meta({ id })` names the document's components without the OpenAPI generator in the function's bundle).
 * What an endpoint receives is shared/webhooks/payload.ts's; openapi.ts documents it in the `webhooks` section.
 */
import * as z from 'zod';
import { textProblem } from '../text/safe-text.ts';
import { changeRecord } from './changes-schemas.ts';
import { NAME_PATTERN } from './schemas.ts';

const bandEnum = z.enum(['low', 'medium', 'high', 'critical']);
const dateTime = z.string().describe('ISO 8601 date-time (UTC)');

export const MAX_OVERLAP_HOURS = 168;
export const DEFAULT_OVERLAP_HOURS = 24;

/** Names the reference data knows, for the document's examples (any alias or symbol is accepted). */
const MINERAL_EXAMPLES = ['dysprosium', 'Ga', 'REE', 'rare earths', 'lithium', 'cobalt', 'tungsten'];
const URL_EXAMPLES = ['https://hooks.example.com/mineral-risk', 'http://127.0.0.1:8080/hooks'];

/**
 * An http(s) URL as RFC 3986 writes it (as shared/policy/validate.ts's sourceUrl): URI characters only, `%` only as
 * an escape, nothing around it. Whether the destination is allowed is decided after (422, by the mode's rules).
 */
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|${PCT})`;
const HOST = `(?:\\[[0-9A-Fa-f:.]+\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|${PCT})+)`;
const USERINFO = `(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|${PCT})*@)?`;
const HTTP_URI = new RegExp(
  `^https?://${USERINFO}${HOST}(?::\\d*)?(?:/${PCHAR}*)*(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
);

export const webhookFilters = z
  .object({
    bands: z.array(bandEnum).max(4).optional().describe('the band before or after the change is one of these'),
    minDelta: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('|delta| at least this many points; new and deleted suppliers and band changes always pass'),
    minerals: z
      .array(z.string().min(1).max(64).meta({ examples: MINERAL_EXAMPLES }))
      .max(50)
      .optional()
      .describe(
        "name, symbol or alias (422 for one the reference data does not know): the change's worst mineral, or a driver that moved, is one of these",
      ),
    kinds: z
      .array(z.enum(['new', 'moved', 'deleted']))
      .max(3)
      .optional()
      .describe('which changes (default all)'),
  })
  .strict()
  .describe('every filter given must match; none given: every change')
  .meta({ id: 'WebhookFilters' });

export const createWebhookBody = z
  .object({
    url: z
      .string()
      .max(2048)
      .regex(
        HTTP_URI,
        'must be an http(s) URL (RFC 3986: no spaces, backslashes or raw non-ASCII; % only as an escape)',
      )
      .refine((s) => URL.canParse(s), 'must be an http(s) URL')
      .describe(
        'https on port 443, a public host name (no IP address, no user name or password); it must not resolve to a private address. The local runtime also takes http and 127.0.0.1/localhost',
      )
      .meta({ format: 'uri', examples: URL_EXAMPLES }),
    description: z
      .string()
      .max(500)
      .superRefine((text, ctx) => {
        const bad = textProblem(text);
        if (bad) ctx.addIssue({ code: 'custom', message: bad });
      })
      .meta({ pattern: NAME_PATTERN })
      .nullish(),
    filters: webhookFilters.optional(),
  })
  .strict();

export const rotateSecretBody = z
  .object({
    overlapHours: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_HOURS)
      .optional()
      .describe(
        `hours the old secret keeps signing beside the new one (default ${DEFAULT_OVERLAP_HOURS}); 0 ends it now`,
      ),
  })
  .strict();

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;

export const deliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export const webhookView = z
  .object({
    webhookId: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    filters: webhookFilters,
    secrets: z
      .array(z.object({ createdAt: dateTime, expiresAt: dateTime.nullable() }))
      .describe(
        'the secrets that sign, newest first (never their values): two during a rotation, the old one until expiresAt',
      ),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .meta({ id: 'Webhook' });

export const webhookWithSecret = z
  .object({
    ...webhookView.shape,
    secret: z
      .string()
      .describe('whsec_ + base64: shown this once. Verify the webhook-signature header with it (Standard Webhooks)'),
  })
  .meta({ id: 'WebhookWithSecret' });

export const webhookList = z.object({ items: z.array(webhookView) }).meta({ id: 'WebhookList' });

const deliveryAttempt = z
  .object({
    attempt: z.number().int(),
    at: dateTime,
    outcome: z.enum(['delivered', 'failed']),
    httpStatus: z.number().int().nullable().describe("the receiver's status; null when none came"),
    error: z.string().nullable(),
    responseExcerpt: z.string().nullable().describe('at most 256 characters of the answer'),
    durationMs: z.number(),
  })
  .meta({ id: 'DeliveryAttempt' });

export const deliveryView = z
  .object({
    deliveryId: z.string(),
    webhookId: z.string(),
    messageId: z.string().describe('the webhook-id header: the same at every attempt, for de-duplication'),
    changeId: z.string().nullable().describe('null for a test delivery'),
    eventType: z.enum(['supplier.risk_changed', 'webhook.test']),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe('pending: an attempt is queued; failed: another is scheduled; dead: no more (retry it by hand)'),
    payload: z.string().describe('the JSON body sent, byte for byte, at every attempt'),
    attemptCount: z.number().int(),
    attempts: z.array(deliveryAttempt).describe('the last 10 attempts, oldest first'),
    nextAttemptAt: dateTime.nullable(),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .meta({ id: 'Delivery' });

export const deliveryPage = z
  .object({
    items: z.array(deliveryView).describe('newest first'),
    cursor: z
      .string()
      .nullable()
      .describe('pass as ?cursor= for the next page; null on the last. Filtered by status, a page may hold fewer'),
  })
  .meta({ id: 'DeliveryPage' });

/** The bodies an endpoint receives (shared/webhooks/payload.ts), for the document's `webhooks` section. */
export const riskChangedPayload = z
  .object({
    type: z.literal('supplier.risk_changed'),
    timestamp: dateTime.describe('when the change was recorded'),
    data: changeRecord,
  })
  .meta({ id: 'SupplierRiskChangedPayload' });

export const testWebhookPayload = z
  .object({
    type: z.literal('webhook.test'),
    timestamp: dateTime,
    data: z.object({ webhookId: z.string(), message: z.string() }),
  })
  .meta({ id: 'WebhookTestPayload' });
