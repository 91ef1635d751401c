/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with and the same route table
 * the router and the stack use.
 */
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { DEFAULT_UPCOMING_DAYS, MAX_UPCOMING_DAYS } from '../changes/upcoming.ts';
import { MODEL_VERSION } from '../model/score.ts';
import { SCENARIO } from '../pipeline/scenario-job.ts';
import { agreementBody, dryRunQuery, POLICY_ID, policyEventBody, withdrawalBody } from '../policy/validate.ts';
import { INLINE_UPLOAD_BYTES } from '../uploads/limits.ts';
import { WORKBOOK_MEDIA_TYPE, WORKBOOK_MEDIA_TYPES } from '../uploads/media-types.ts';
import { DELIVERY_LOG } from '../webhooks/port.ts';
import { MAX_ATTEMPTS } from '../webhooks/retry-schedule.ts';
import * as admin from './admin-schemas.ts';
import * as changes from './changes-schemas.ts';
import * as out from './response-schemas.ts';
import { ROUTES, type RouteDef, type RouteId } from './routes.ts';
import * as scenarios from './scenario-schemas.ts';
import * as s from './schemas.ts';
import * as upcoming from './upcoming-schemas.ts';
import * as hooks from './webhook-schemas.ts';

extendZodWithOpenApi(z);

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** Request rows of a JSON batch, and the OpenAPI document itself: open objects. */
const anyObject = z.record(z.string(), z.unknown());

/** The success body of each route (response-schemas.ts); 204s have none. */
const RESPONSES: Record<Exclude<RouteId, 'deleteSupplier' | 'deleteWebhook'>, z.ZodType> = {
  health: out.health,
  openapi: anyObject,
  putSupplier: out.supplierQueued,
  getSupplier: out.supplierView,
  listSuppliers: out.supplierPage,
  score: out.scoreResult,
  createBatch: out.batchCreated,
  getBatch: out.batchView,
  listBatchErrors: out.rejectionPage,
  portfolioExposure: out.portfolioExposure,
  scenario: out.scenarioResult,
  getScenarioJob: scenarios.scenarioJob,
  upcoming: upcoming.upcomingPage,
  listChanges: changes.changePage,
  supplierHistory: changes.supplierHistory,
  createWebhook: hooks.webhookWithSecret,
  listWebhooks: hooks.webhookList,
  getWebhook: hooks.webhookView,
  rotateWebhookSecret: hooks.webhookWithSecret,
  testWebhook: hooks.deliveryView,
  listDeliveries: hooks.deliveryPage,
  getDelivery: hooks.deliveryView,
  retryDelivery: hooks.deliveryView,
  referenceMinerals: out.referenceMinerals,
  referenceCountries: out.referenceCountries,
  referencePolicyEvents: out.referencePolicyEvents,
  putPolicyEvent: admin.revisionRecorded,
  putAgreement: admin.revisionRecorded,
  withdrawPolicyEvent: admin.revisionRecorded,
  withdrawAgreement: admin.revisionRecorded,
  dryRunPolicyEvent: admin.dryRunStarted,
  dryRunAgreement: admin.dryRunStarted,
  listPolicyEventRevisions: admin.itemRevisions,
  listAgreementRevisions: admin.itemRevisions,
  listRescoreRuns: admin.rescoreRunList,
  getRescoreRun: admin.rescoreRunView,
};

type RequestSpec = NonNullable<RouteConfig['request']>;

const jsonContent = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** Path ids: what the handler accepts before routing (any other is a 404, or a 400 for a PUT). */
const supplierPath = z.object({ supplierId: s.supplierId });
const batchPath = z.object({ batchId: s.supplierId });
const webhookPath = z.object({ webhookId: s.supplierId });
const deliveryPath = z.object({ webhookId: s.supplierId, deliveryId: s.supplierId });

const REQUESTS: Partial<Record<string, RequestSpec>> = {
  putSupplier: { params: supplierPath, query: s.putSupplierQuery, body: jsonContent(s.putSupplierBody) },
  getSupplier: { params: supplierPath },
  deleteSupplier: { params: supplierPath },
  listSuppliers: { query: s.listSuppliersQuery },
  score: { body: jsonContent(s.scoreRequest) },
  createBatch: {
    query: s.batchCreateQuery,
    body: {
      content: {
        // Not empty, nor only white space (400 "the upload is empty").
        'text/csv': { schema: z.string().regex(/\S/) },
        'application/json': { schema: z.union([z.array(anyObject), s.batchCreateRequest]) },
        ...Object.fromEntries(
          WORKBOOK_MEDIA_TYPES.map((type) => [
            type,
            {
              schema: z
                .string()
                .meta({ format: 'binary' })
                .describe(
                  `an RMI CMRT, EMRT or AMRT workbook (.xlsx, or .xlsm: its macros are never run), the file's bytes, at most ${INLINE_UPLOAD_BYTES / 2 ** 20} MiB; one workbook, one batch`,
                ),
            },
          ]),
        ),
      },
    },
  },
  getBatch: { params: batchPath },
  listBatchErrors: { params: batchPath, query: s.paginationQuery },
  portfolioExposure: { query: s.portfolioQuery },
  scenario: { body: jsonContent(s.scenarioRequest) },
  getScenarioJob: { params: z.object({ jobId: z.string().min(1).max(128) }) },
  upcoming: { query: s.upcomingQuery },
  listChanges: { query: changes.changesQuery },
  supplierHistory: { params: supplierPath, query: changes.historyQuery },
  createWebhook: { body: jsonContent(hooks.createWebhookBody) },
  getWebhook: { params: webhookPath },
  deleteWebhook: { params: webhookPath },
  // No body takes the default overlap.
  rotateWebhookSecret: { params: webhookPath, body: { ...jsonContent(hooks.rotateSecretBody), required: false } },
  testWebhook: { params: webhookPath },
  listDeliveries: { params: webhookPath, query: hooks.deliveriesQuery },
  getDelivery: { params: deliveryPath },
  retryDelivery: { params: deliveryPath },
  referencePolicyEvents: { query: s.policyEventsQuery },
  ...Object.fromEntries(
    (['PolicyEvent', 'Agreement'] as const).flatMap((what) => {
      const params = z.object({ [what === 'PolicyEvent' ? 'eventId' : 'agreementId']: z.string().regex(POLICY_ID) });
      const body = jsonContent(what === 'PolicyEvent' ? policyEventBody : agreementBody);
      const ifMatch = z.object({ 'if-match': z.string().optional().describe('the item\'s ETag ("r12"); * for any') });
      return [
        [`put${what}`, { params, headers: ifMatch, body }],
        [`withdraw${what}`, { params, headers: ifMatch, body: jsonContent(withdrawalBody) }],
        [`dryRun${what}`, { params, headers: ifMatch, query: dryRunQuery, body }],
        [`list${what}Revisions`, { params }],
      ];
    }),
  ),
  getRescoreRun: { params: z.object({ runId: z.string().min(1).max(128) }) },
};

const SUCCESS: Partial<Record<string, number>> = {
  putSupplier: 202,
  createBatch: 202,
  deleteSupplier: 204,
  dryRunPolicyEvent: 202,
  dryRunAgreement: 202,
  createWebhook: 201,
  deleteWebhook: 204,
  testWebhook: 202,
  retryDelivery: 202,
};

/**
 * Every route can answer these: 413 for any body over the limit (the handler checks it before routing, API Gateway
 * above 10 MB), 429 from stage throttling, 500 and 503 from a failed or timed-out function.
 */
const ANY_ROUTE = [413, 429, 500, 503];
/** And every authenticated one: no or a bad token (401), a missing scope or tenant (403). */
const AUTHENTICATED = [401, 403, ...ANY_ROUTE];

/**
 * The error statuses of each route, besides those above: exactly what its code can throw, so a client sees which it
 * must handle (the contract test holds the handler to these lists).
 */
const ERRORS: Record<RouteId, number[]> = {
  health: [],
  openapi: [],
  // 400 bad id, query or body; 409 a newer version stored (?sync=true); 503 also when the score queue is down.
  putSupplier: [400, 409, 415, 422],
  getSupplier: [404],
  deleteSupplier: [404, 409],
  listSuppliers: [400],
  score: [400, 415, 422],
  createBatch: [400, 415, 422],
  getBatch: [404],
  listBatchErrors: [400, 404],
  portfolioExposure: [400],
  // 503 also when the scenario queue refuses a job's segments.
  scenario: [400, 415, 422],
  getScenarioJob: [404],
  // 400 a bad days, limit or cursor.
  upcoming: [400],
  // 400 a bad query or cursor.
  listChanges: [400],
  supplierHistory: [400, 404],
  // 409 the tenant has the most endpoints; 422 a URL the destination rules refuse, a mineral not known.
  createWebhook: [400, 409, 415, 422],
  listWebhooks: [],
  getWebhook: [404],
  deleteWebhook: [404],
  rotateWebhookSecret: [400, 404, 415],
  testWebhook: [404],
  listDeliveries: [400, 404],
  getDelivery: [404],
  retryDelivery: [404],
  referenceMinerals: [],
  referenceCountries: [],
  referencePolicyEvents: [400],
  // 412 If-Match names another revision; 422 the revision is invalid (field paths); 404 withdrawing what is absent.
  putPolicyEvent: [400, 412, 415, 422],
  putAgreement: [400, 412, 415, 422],
  withdrawPolicyEvent: [400, 404, 412, 415, 422],
  withdrawAgreement: [400, 404, 412, 415, 422],
  dryRunPolicyEvent: [400, 404, 412, 415, 422],
  dryRunAgreement: [400, 404, 412, 415, 422],
  listPolicyEventRevisions: [404],
  listAgreementRevisions: [404],
  listRescoreRuns: [],
  getRescoreRun: [404],
};

const WEBHOOK_SCOPE =
  "Scope risk/webhooks (or risk/admin) of the tenant: the endpoints are the token's tenant's; another tenant's are not found (404).";

/** Longer descriptions, where a summary cannot hold a limit the client must know. */
const DESCRIPTIONS: Partial<Record<RouteId, string>> = {
  listSuppliers: `Worst band first: critical, then high, medium and low. Within critical and high by score, highest first, then by supplier id; within medium and low by supplier id (UTF-8 byte order). \`band\` lists that band alone, in full pages. Filtered by \`mineral\` or \`country\`, a page examines at most ${s.LIST_MAX_EXAMINED.toLocaleString('en-US')} stored suppliers, so it may hold fewer than \`limit\` items, even none, and still have a cursor: follow \`cursor\` until it is null.`,
  listChanges: `Every change of a stored score (a new supplier, a rescore that moved it, a delete), with its cause, before and after, and the drivers that moved, oldest first, kept 90 days: the poll alternative to webhooks. Keep \`cursor\` and pass it as \`since\` next time; \`more\` says whether to ask again at once. With filters a page examines at most ${changes.CHANGES_MAX_EXAMINED.toLocaleString('en-US')} records, so it may hold fewer than \`limit\`, even none, and still have \`more\`. Records are listed about 10 s after they are written, so none lands behind your cursor.`,
  createWebhook: `At most ${DELIVERY_LOG.maxWebhooksPerTenant} endpoints per tenant (409 beyond). The answer holds the signing secret (\`whsec_\` + base64), shown this once: every delivery is signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature; see the document's \`webhooks\`). A failed delivery is retried with exponential backoff for about a day (${MAX_ATTEMPTS} attempts), then dead-lettered in the log. ${WEBHOOK_SCOPE}`,
  rotateWebhookSecret: `Answers the new secret, shown this once. During the overlap (\`overlapHours\`, default ${hooks.DEFAULT_OVERLAP_HOURS}, at most ${hooks.MAX_OVERLAP_HOURS}; no body takes the default) every delivery carries a signature by each secret, so a receiver verifies with either while it switches. ${WEBHOOK_SCOPE}`,
  testWebhook: `Queues a signed \`webhook.test\` delivery to the endpoint and answers it (202, status pending); follow it in the delivery log. ${WEBHOOK_SCOPE}`,
  retryDelivery: `Back to pending, its attempts kept, and one more attempt queued (202); the body and the webhook-id are the same as before, so a receiver that got it already can de-duplicate. ${WEBHOOK_SCOPE}`,
  scenario: `A tenant of at most ${SCENARIO.inlineMaxSuppliers.toLocaleString('en-US')} stored suppliers is answered at once (200). A larger one is answered by a job (202, with a Location): the table is scanned in ${SCENARIO.segments} parallel segments and GET /v1/scenarios/{jobId} shows the progress, then the same answer, kept ${SCENARIO.ttlSeconds / 3600} hours. The same request again (same body, as-of date and buyer, at the same policy revision and data) while its job runs or is kept answers 202 with that job, as it stands; after a failed job it starts a new one. Nothing else is stored.`,
  getScenarioJob: `Progress (segments done of total, your suppliers examined so far), then \`result\`: the answer an inline scenario gives, computed as of the policy revision the job was asked on. Another tenant's job, or one past \`expiresAt\`, is not found (404).`,
  createBatch: `One file, one batch: a supplier-list CSV, the same rows as a JSON array, or an RMI reporting workbook (CMRT, EMRT or AMRT, \`${WORKBOOK_MEDIA_TYPE}\`; its rejections name their sheet and cell), inline up to ${INLINE_UPLOAD_BYTES / 2 ** 20} MiB. A larger file: ask for a presigned upload (\`{ "upload": "presigned", "format": "csv" | "json" | "xlsx" }\`) and PUT the file to the URL answered. A workbook's lines belong to \`supplierId\` when given, else to the company its Declaration names.`,
  score: `At most 100 suppliers and ${s.SCORE_MAX_LINES.toLocaleString('en-US')} exposure lines in all (the sum of their \`exposures\`); a larger request is refused with 413: split it, or upload a batch.`,
  upcoming: `Your suppliers whose score will move within \`days\` days after today (1–${MAX_UPCOMING_DAYS}, default ${DEFAULT_UPCOMING_DAYS}) on a known date of the live policy timeline — an announced measure taking effect, a suspension lapsing, a quota expiring, an agreement starting or ending — each with the date, the items that start or end that day, the current score and band (today, live timeline) and the projected ones (a fresh scoring as of that date, as the daily rescore will store it), in date order; only dates on which the score or band moves. Each supplier is projected for the buyer country it is stored for. Paginated like GET /v1/suppliers: a page reads at most ${s.UPCOMING_MAX_EXAMINED.toLocaleString('en-US')} stored suppliers and answers those with a move, by first move date then supplier id, so it may hold fewer than \`limit\` items, even none, and still have a cursor: follow \`cursor\` until it is null.`,
};

/** The admin routes: policy is every tenant's, so a tenant's own risk/admin token is not enough. */
const OPERATOR_ONLY =
  'Platform operators only: scope risk/admin and a token of an operator tenant (OPERATOR_TENANTS); any other tenant gets 403.';

/** Per-route words for a status, where the generic one would hide a limit. */
const STATUS_NOTES: Partial<Record<RouteId, Partial<Record<number, string>>>> = {
  score: {
    413: `the body is over 5 MB, or holds more than ${s.SCORE_MAX_LINES.toLocaleString('en-US')} exposure lines`,
  },
};

/** What API Gateway itself answers (the authorizer's 401/403, 413 above 10 MB, throttling, a failed function). */
const GATEWAY: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const problems = (id: RouteId, codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: [
          STATUS_NOTES[id]?.[c],
          GATEWAY[c] ? `RFC 9457 problem, or API Gateway's {"message":"${GATEWAY[c]}"}` : 'RFC 9457 problem',
        ]
          .filter(Boolean)
          .join(': '),
        content: {
          'application/problem+json': { schema: problemSchema },
          ...(GATEWAY[c] ? { 'application/json': { schema: out.gatewayMessage } } : {}),
        },
      },
    ]),
  );

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

/** The document's `webhooks` (OpenAPI 3.1): what the service POSTs to a tenant's endpoints. */
function registerWebhooks(registry: OpenAPIRegistry): void {
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

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const r of ROUTES as readonly RouteDef[]) {
    const ok = SUCCESS[r.id] ?? 200;
    registry.registerPath({
      method: r.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete',
      path: r.path,
      operationId: r.id,
      summary: r.summary,
      ...(DESCRIPTIONS[r.id as RouteId]
        ? { description: DESCRIPTIONS[r.id as RouteId] }
        : r.scope === 'risk/webhooks'
          ? { description: WEBHOOK_SCOPE }
          : {}),
      // Said in words for people, and as an extension for tools (test/contract sends these an operator's token).
      ...(r.operator ? { description: OPERATOR_ONLY, 'x-operator': true } : {}),
      // A public route says so (an empty requirement), rather than leaving it unstated.
      security: r.scope ? [{ bearer: [r.scope] }] : [],
      ...(REQUESTS[r.id] ? { request: REQUESTS[r.id] } : {}),
      responses: {
        [ok]:
          ok === 204
            ? { description: 'Done' }
            : {
                description: ok === 202 ? 'Accepted' : ok === 201 ? 'Created' : 'OK',
                content: { 'application/json': { schema: RESPONSES[r.id as keyof typeof RESPONSES] ?? anyObject } },
              },
        ...(r.id === 'scenario'
          ? {
              202: {
                description: 'A large portfolio: a job; follow its Location (GET /v1/scenarios/{jobId})',
                headers: { location: { description: '/v1/scenarios/{jobId}', schema: { type: 'string' } } },
                content: { 'application/json': { schema: scenarios.scenarioJobAccepted } },
              },
            }
          : {}),
        ...(r.id === 'putSupplier'
          ? {
              200: {
                description: 'Scored inline (?sync=true)',
                content: { 'application/json': { schema: out.scoredSupplier } },
              },
            }
          : {}),
        ...problems(
          r.id as RouteId,
          [...ERRORS[r.id as RouteId], ...(r.scope ? AUTHENTICATED : ANY_ROUTE)].sort((a, b) => a - b),
        ),
      },
    });
  }
  registerWebhooks(registry);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'mineral-risk',
      version: MODEL_VERSION,
      description:
        "Scores each supplier's exposure to critical-mineral supply disruption, by mineral and origin country, as of a date.",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
