/**
 * A tenant's webhook endpoints and their delivery log (issue 10), scope risk/webhooks (or risk/admin). Every read
 * and write is keyed under the token's tenant, so another tenant's endpoint is simply not found (404).
 *
 * A URL is checked when it is registered by the destination rules of the mode (shared/webhooks/destination.ts):
 * scheme, port, credentials, IP literals and host name, then its DNS answer, if one comes in time: an address that is
 * not allowed refuses it (422); a name that does not resolve yet is taken (the notifier checks again at every send).
 */
import { MineralRiskError } from '../../../shared/errors.ts';
import { HttpProblem, problem } from '../../../shared/http/problem.ts';
import { bodyText, json, jsonBody, queryParams } from '../../../shared/http/request.ts';
import {
  createWebhookBody,
  DEFAULT_OVERLAP_HOURS,
  deliveriesQuery,
  rotateSecretBody,
} from '../../../shared/http/webhook-schemas.ts';
import { parseMineral } from '../../../shared/model/normalise.ts';
import { InvalidCursorError } from '../../../shared/store/errors.ts';
import { deliveryEntry, deliveryMessage } from '../../../shared/webhooks/delivery-message.ts';
import { DestinationRefusedError, parseDestination, vetDestination } from '../../../shared/webhooks/destination.ts';
import { deliveryIdFor, newWebhookId, testMessageId, testPayload } from '../../../shared/webhooks/payload.ts';
import { type Delivery, MaxWebhooksError, type Webhook, type WebhookFilters } from '../../../shared/webhooks/port.ts';
import { generateSecret } from '../../../shared/webhooks/signature.ts';
import type { ApiDeps, ApiRequest } from '../deps.ts';

/** How long the registration waits for DNS before it takes the URL on its own rules. */
const DNS_CHECK_MS = 3_000;

/** An endpoint as the API shows it: its secrets' dates, never their values. */
export const webhookView = (w: Webhook) => ({
  webhookId: w.webhookId,
  url: w.url,
  description: w.description,
  filters: w.filters,
  secrets: w.secrets.map((s) => ({ createdAt: s.createdAt, expiresAt: s.expiresAt })),
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export const deliveryView = ({ tenant: _, ...d }: Delivery) => d;

const refused = (path: string, message: string) => problem(422, message, [{ path, message }]);

/** The URL's own rules, then its DNS answer (bounded): 422 naming the rule it breaks. */
async function checkUrl(url: string, deps: ApiDeps): Promise<void> {
  const options = { mode: deps.webhookMode, ...(deps.resolve ? { resolve: deps.resolve } : {}) };
  try {
    parseDestination(url, options);
  } catch (e) {
    if (e instanceof DestinationRefusedError) throw refused('url', e.message);
    throw e;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DNS_CHECK_MS);
  });
  try {
    await Promise.race([vetDestination(url, options), timeout]);
  } catch (e) {
    if (e instanceof DestinationRefusedError) throw refused('url', e.message);
    // A lookup that failed (no such name yet, a resolver error) does not refuse: the notifier checks at every send.
    if (!(e instanceof MineralRiskError)) throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Minerals by name, symbol or alias → the catalogue's ids (422 with a did-you-mean for an unknown one). */
function normaliseFilters(filters: WebhookFilters | undefined): WebhookFilters {
  if (!filters) return {};
  const out: WebhookFilters = {};
  if (filters.bands?.length) out.bands = [...new Set(filters.bands)];
  // Deltas are in tenths of a point: a finer threshold means nothing more (and DynamoDB takes no 1e-300).
  if (filters.minDelta !== undefined) out.minDelta = Math.round(filters.minDelta * 10) / 10;
  if (filters.kinds?.length) out.kinds = [...new Set(filters.kinds)];
  if (filters.minerals?.length) {
    const ids = filters.minerals.map((m, i) => {
      const parsed = parseMineral(m);
      if (!parsed.ok) throw refused(`filters.minerals[${i}]`, parsed.message);
      return parsed.value;
    });
    out.minerals = [...new Set(ids)];
  }
  return out;
}

async function found(req: ApiRequest, deps: ApiDeps): Promise<Webhook> {
  const w = await deps.webhooks.getWebhook(req.tenant, req.params.webhookId as string);
  if (!w) throw problem(404, 'no such webhook');
  return w;
}

/** Queues one attempt of a delivery for the notifier; 503 if the queue did not take it (the delivery stays). */
async function queueAttempt(deps: ApiDeps, d: Delivery, attempt: number): Promise<void> {
  const { failed } = await deps.notifyQueue.sendBatch([deliveryEntry(deliveryMessage(d, attempt))]);
  if (failed.length > 0)
    throw new HttpProblem(
      503,
      'Service Unavailable',
      `the delivery ${d.deliveryId} is recorded but could not be queued: retry it (POST …/deliveries/${d.deliveryId}/retry)`,
    );
}

export async function createWebhook(req: ApiRequest, deps: ApiDeps) {
  const body = jsonBody(req.event, createWebhookBody);
  await checkUrl(body.url, deps);
  const filters = normaliseFilters(body.filters);
  const now = deps.now().toISOString();
  const secret = generateSecret();
  const webhook: Webhook = {
    tenant: req.tenant,
    webhookId: newWebhookId(),
    url: body.url,
    description: body.description ?? null,
    filters,
    secrets: [{ secret, createdAt: now, expiresAt: null }],
    createdAt: now,
    updatedAt: now,
    createdBy: req.actor,
  };
  try {
    await deps.webhooks.createWebhook(webhook);
  } catch (e) {
    if (e instanceof MaxWebhooksError) throw problem(409, e.message);
    throw e;
  }
  return json(201, { ...webhookView(webhook), secret }, { location: `/v1/webhooks/${webhook.webhookId}` });
}

export async function listWebhooks(req: ApiRequest, deps: ApiDeps) {
  return json(200, { items: (await deps.webhooks.listWebhooks(req.tenant)).map(webhookView) });
}

export async function getWebhook(req: ApiRequest, deps: ApiDeps) {
  return json(200, webhookView(await found(req, deps)));
}

export async function deleteWebhook(req: ApiRequest, deps: ApiDeps) {
  if (!(await deps.webhooks.deleteWebhook(req.tenant, req.params.webhookId as string)))
    throw problem(404, 'no such webhook');
  return { statusCode: 204, headers: {}, body: '' };
}

/** A new secret, returned this once; the current one keeps signing for `overlapHours` (default 24, at most 168). */
export async function rotateWebhookSecret(req: ApiRequest, deps: ApiDeps) {
  const body = bodyText(req.event).trim() === '' ? {} : jsonBody(req.event, rotateSecretBody);
  const overlapHours = body.overlapHours ?? DEFAULT_OVERLAP_HOURS;
  const now = deps.now();
  const secret = generateSecret();
  const until = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
  const w = await deps.webhooks.rotateSecret(
    req.tenant,
    req.params.webhookId as string,
    secret,
    until,
    now.toISOString(),
  );
  if (!w) throw problem(404, 'no such webhook');
  return json(200, { ...webhookView(w), secret });
}

/** A webhook.test delivery, queued for the notifier: 202 with the delivery (follow it in the log). */
export async function testWebhook(req: ApiRequest, deps: ApiDeps) {
  const w = await found(req, deps);
  const now = deps.now();
  const at = now.toISOString();
  const messageId = testMessageId();
  const { delivery } = await deps.webhooks.startDelivery({
    tenant: req.tenant,
    webhookId: w.webhookId,
    deliveryId: deliveryIdFor(w.webhookId, messageId, now),
    messageId,
    changeId: null,
    eventType: 'webhook.test',
    status: 'pending',
    payload: testPayload(w.webhookId, now),
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  });
  await queueAttempt(deps, delivery, delivery.attemptCount + 1);
  return json(202, deliveryView(delivery));
}

export async function listDeliveries(req: ApiRequest, deps: ApiDeps) {
  const q = queryParams(req.event, deliveriesQuery);
  const w = await found(req, deps);
  try {
    const page = await deps.webhooks.listDeliveries(req.tenant, w.webhookId, {
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
    });
    return json(200, { items: page.items.map(deliveryView), cursor: page.cursor });
  } catch (e) {
    if (e instanceof InvalidCursorError)
      throw problem(400, 'invalid cursor', [{ path: 'query.cursor', message: 'not a cursor from this API' }]);
    throw e;
  }
}

export async function getDelivery(req: ApiRequest, deps: ApiDeps) {
  const w = await found(req, deps);
  const d = await deps.webhooks.getDelivery(req.tenant, w.webhookId, req.params.deliveryId as string);
  if (!d) throw problem(404, 'no such delivery');
  return json(200, deliveryView(d));
}

/** A manual retry from the log: the delivery back to pending and one more attempt queued; 202. */
export async function retryDelivery(req: ApiRequest, deps: ApiDeps) {
  const w = await found(req, deps);
  const d = await deps.webhooks.reopenDelivery(
    req.tenant,
    w.webhookId,
    req.params.deliveryId as string,
    deps.now().toISOString(),
  );
  if (!d) throw problem(404, 'no such delivery');
  await queueAttempt(deps, d, d.attemptCount + 1);
  return json(202, deliveryView(d));
}
