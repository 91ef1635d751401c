/**
 * The OpenAPI document's route tables: each route's request (path, query, headers, body), its success status and
 * body, and exactly the error statuses its code can throw (the contract test holds the handler to these).
 */
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { agreementBody, dryRunQuery, POLICY_ID, policyEventBody, withdrawalBody } from '../policy/validate.ts';
import { INLINE_UPLOAD_BYTES } from '../uploads/limits.ts';
import { WORKBOOK_MEDIA_TYPES } from '../uploads/media-types.ts';
import * as admin from './admin-schemas.ts';
import * as changes from './changes-schemas.ts';
import * as out from './response-schemas.ts';
import type { RouteId } from './routes.ts';
import * as scenarios from './scenario-schemas.ts';
import * as s from './schemas.ts';
import * as upcoming from './upcoming-schemas.ts';
import * as hooks from './webhook-schemas.ts';

/** Request rows of a JSON batch, and the OpenAPI document itself: open objects. */
export const anyObject = z.record(z.string(), z.unknown());

/** The success body of each route (response-schemas.ts); 204s have none. */
export const RESPONSES: Record<Exclude<RouteId, 'deleteSupplier' | 'deleteWebhook'>, z.ZodType> = {
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

export const jsonContent = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** Path ids: what the handler accepts before routing (any other is a 404, or a 400 for a PUT). */
const supplierPath = z.object({ supplierId: s.supplierId });
const batchPath = z.object({ batchId: s.supplierId });
const webhookPath = z.object({ webhookId: s.supplierId });
const deliveryPath = z.object({ webhookId: s.supplierId, deliveryId: s.supplierId });

export const REQUESTS: Partial<Record<string, RequestSpec>> = {
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

export const SUCCESS: Partial<Record<string, number>> = {
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
 * above 10 MB), 429 from stage throttling, 500 from a failed or timed-out function, 503 (with Retry-After) when the
 * store or a queue fails on its side past the SDK's retries.
 */
export const ANY_ROUTE = [413, 429, 500, 503];
/** And every authenticated one: no or a bad token (401), a missing scope or tenant (403). */
export const AUTHENTICATED = [401, 403, ...ANY_ROUTE];

/**
 * The error statuses of each route, besides those above: exactly what its code can throw, so a client sees which it
 * must handle (the contract test holds the handler to these lists).
 */
export const ERRORS: Record<RouteId, number[]> = {
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
