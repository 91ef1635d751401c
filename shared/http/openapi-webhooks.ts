/** The OpenAPI document's `webhooks` (OpenAPI 3.1): what the service POSTs to a tenant's endpoints, and how signed. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { jsonContent } from './openapi-route-tables.ts';
import * as hooks from './webhook-schemas.ts';

/** The headers of every delivery (Standard Webhooks v1), as an endpoint receives them. */
const webhookHeaders = z.object({
  'webhook-id': z
    .string()
    .describe(
      'the message id: the same at every attempt (and for the same change however often it is published): de-duplicate on it',
    ),
  'webhook-timestamp': z.string().describe('unix seconds of this attempt; refuse one more than 5 minutes off'),
  'webhook-signature': z
    .string()
    .describe(
      'space-separated v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" keyed by the secret\'s bytes>; two during a rotation: accept if any matches',
    ),
});

const WEBHOOK_RECEIVER =
  'POSTed as application/json to each endpoint whose filters it passes, signed per the Standard Webhooks spec. Answer 2xx within 10 s; any other answer, a timeout or a redirect (never followed) is retried with exponential backoff for about a day, then dead-lettered in the delivery log (GET /v1/webhooks/{webhookId}/deliveries).';

/** Registers both delivery types with their headers and bodies. */
export function registerWebhooks(registry: OpenAPIRegistry): void {
  const received = {
    description: 'Received: any 2xx',
  };
  const retried = { description: 'Anything else (or no answer in 10 s) is retried, then dead-lettered' };
  registry.registerWebhook({
    method: 'post',
    path: 'supplier.risk_changed',
    operationId: 'supplierRiskChanged',
    summary: "A supplier's score changed",
    description: `${WEBHOOK_RECEIVER} \`data\` is the change record, as GET /v1/changes lists it.`,
    // Signed (webhook-signature), not authorized by a token of this API.
    security: [],
    request: { headers: webhookHeaders, body: jsonContent(hooks.riskChangedPayload) },
    responses: { 200: received, default: retried },
  });
  registry.registerWebhook({
    method: 'post',
    path: 'webhook.test',
    operationId: 'webhookTest',
    summary: 'A test delivery (POST /v1/webhooks/{webhookId}/test)',
    description: WEBHOOK_RECEIVER,
    security: [],
    request: { headers: webhookHeaders, body: jsonContent(hooks.testWebhookPayload) },
    responses: { 200: received, default: retried },
  });
}
