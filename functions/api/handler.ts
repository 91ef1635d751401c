import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { changeEventsFromEnv } from '../../shared/changes/events-from-env.ts';
import { authContext, type ContextWithAuth } from '../../shared/http/middleware/auth-context.ts';
import { bodyLimit } from '../../shared/http/middleware/body-limit.ts';
import { problemResponses } from '../../shared/http/middleware/problem-response.ts';
import { securityHeaders } from '../../shared/http/middleware/security-headers.ts';
import openApiJson from '../../shared/http/openapi.generated.json' with { type: 'json' };
import { HttpProblem, problem } from '../../shared/http/problem.ts';
import { json } from '../../shared/http/request.ts';
import { allowedMethods, hasScope, matchRoute, type RouteId } from '../../shared/http/routes.ts';
import { supplierId as pathId } from '../../shared/http/schemas.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { withReadCache } from '../../shared/portfolio/read-cache.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { baselineTimeline, referenceData } from '../../shared/reference/index.ts';
import { DynamoDbChangeLog } from '../../shared/store/change-log.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { trackedSupplierStore } from '../../shared/store/portfolio-tracked-store.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { DynamoDbScenarioJobs } from '../../shared/store/scenario-jobs.ts';
import { DynamoDbWebhookStore } from '../../shared/store/webhooks.ts';
import { telemetry } from '../../shared/telemetry.ts';
import { INLINE_UPLOAD_BYTES } from '../../shared/uploads/limits.ts';
import { createS3Client } from '../../shared/uploads/s3-upload-reader.ts';
import { S3UploadWriter } from '../../shared/uploads/s3-upload-writer.ts';
import type { DestinationMode } from '../../shared/webhooks/destination.ts';
import type { ApiDeps, ApiRequest } from './deps.ts';
import * as admin from './routes/admin-policy.ts';
import * as batches from './routes/batches.ts';
import * as changes from './routes/changes.ts';
import * as portfolio from './routes/portfolio.ts';
import * as reference from './routes/reference.ts';
import * as scenarios from './routes/scenarios.ts';
import * as scoring from './routes/score.ts';
import * as suppliers from './routes/suppliers.ts';
import * as upcoming from './routes/upcoming.ts';
import * as webhooks from './routes/webhooks.ts';

type Route = (req: ApiRequest, deps: ApiDeps) => Promise<APIGatewayProxyResultV2>;

const ROUTE_HANDLERS: Record<RouteId, Route> = {
  health: reference.health,
  openapi: async (_req, deps) => json(200, deps.openapi()),
  putSupplier: suppliers.putSupplier,
  getSupplier: suppliers.getSupplier,
  deleteSupplier: suppliers.deleteSupplier,
  listSuppliers: suppliers.listSuppliers,
  score: scoring.scoreNow,
  createBatch: batches.createBatch,
  getBatch: batches.getBatch,
  listBatchErrors: batches.listBatchErrors,
  portfolioExposure: portfolio.exposure,
  scenario: scenarios.scenario,
  getScenarioJob: scenarios.getScenarioJob,
  upcoming: upcoming.upcoming,
  listChanges: changes.listChanges,
  supplierHistory: changes.supplierHistory,
  createWebhook: webhooks.createWebhook,
  listWebhooks: webhooks.listWebhooks,
  getWebhook: webhooks.getWebhook,
  deleteWebhook: webhooks.deleteWebhook,
  rotateWebhookSecret: webhooks.rotateWebhookSecret,
  testWebhook: webhooks.testWebhook,
  listDeliveries: webhooks.listDeliveries,
  getDelivery: webhooks.getDelivery,
  retryDelivery: webhooks.retryDelivery,
  referenceMinerals: reference.referenceMinerals,
  referenceCountries: reference.referenceCountries,
  referencePolicyEvents: reference.referencePolicyEvents,
  putPolicyEvent: admin.putPolicyItem,
  putAgreement: admin.putPolicyItem,
  withdrawPolicyEvent: admin.withdrawPolicyItem,
  withdrawAgreement: admin.withdrawPolicyItem,
  dryRunPolicyEvent: admin.dryRunPolicyItem,
  dryRunAgreement: admin.dryRunPolicyItem,
  listPolicyEventRevisions: admin.listItemRevisions,
  listAgreementRevisions: admin.listItemRevisions,
  listRescoreRuns: admin.listRescoreRuns,
  getRescoreRun: admin.getRescoreRun,
};

/** The tenant ids keys can hold (the upload key's segment rule, shared/uploads/key.ts). */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** API Gateway HTTP API (payload 2.0) → route → response. Wiring only; the routes call the core and the store. */
export function createApiHandler(deps: ApiDeps) {
  const { logger } = telemetry();
  const route = async (event: APIGatewayProxyEventV2, context: ContextWithAuth): Promise<APIGatewayProxyResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const match = matchRoute(method, event.rawPath);
    if (!match) {
      const allowed = allowedMethods(event.rawPath);
      if (allowed.length === 0) throw problem(404, `no route ${method} ${event.rawPath}`);
      throw new HttpProblem(405, 'Method Not Allowed', `${method} is not allowed on ${event.rawPath}`, undefined, {
        allow: allowed.join(', '),
      });
    }
    const { route: def, params } = match;
    let tenant = '';
    let actor = '';
    if (def.scope !== null) {
      const auth = context.auth;
      // The authorizer already refused missing or invalid tokens; these checks hold even if a route is misconfigured.
      if (!auth?.authenticated)
        throw new HttpProblem(401, 'Unauthorized', 'a bearer token is required', undefined, {
          'www-authenticate': 'Bearer',
        });
      if (!hasScope(auth.scopes, def.scope)) throw problem(403, `this route needs the scope ${def.scope}`);
      if (!auth.tenant) throw problem(403, 'the token names no tenant');
      // Tenants become key segments (T#{tenant}#…, uploads/{tenant}/…): one with a separator could reach another's keys.
      if (!TENANT_ID.test(auth.tenant)) throw problem(403, 'the token names an invalid tenant');
      tenant = auth.tenant;
      actor = auth.subject ?? auth.tenant;
      // Policy is every tenant's: a tenant's own risk/admin token must not change it.
      if (def.operator && !deps.operatorTenants.has(tenant))
        throw problem(403, 'this route is for platform operators (an operator tenant with risk/admin)');
    }
    // An id no resource can have (too long for a key, a slash, leading blank): nothing to find, and nothing to create.
    for (const [name, value] of Object.entries(params)) {
      const valid = pathId.safeParse(value);
      if (valid.success) continue;
      if (def.method !== 'PUT') throw problem(404, `no such ${name.replace(/Id$/, '')}`);
      throw problem(400, `invalid ${name} in the path`, [
        { path: `path.${name}`, message: valid.error.issues[0]?.message ?? 'invalid' },
      ]);
    }
    // Each request scores with the live policy timeline (cached briefly, shared/policy/current-reference.ts); the
    // public routes touch no table, so liveness does not hang on the store.
    const ref = def.scope === null ? deps.ref : await deps.policy.current.get();
    return ROUTE_HANDLERS[def.id as RouteId](
      { event, params, tenant, actor },
      ref === deps.ref ? deps : { ...deps, ref },
    );
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ContextWithAuth>(route)
    .use(injectLambdaContext(logger))
    .use(securityHeaders())
    .use(authContext(deps.auth))
    .use(bodyLimit(deps.maxInlineBytes))
    .use(problemResponses({ onUnexpected: (error) => logger.error('unhandled error', { error: error as Error }) }));
}

let fromEnv: ReturnType<typeof createApiHandler> | undefined;

/** Client → tenant mapping for machine clients, as JSON in CLIENT_TENANTS ({"clientId": "tenant"}). */
function clientTenants(): Record<string, string> {
  const raw = process.env.CLIENT_TENANTS;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('CLIENT_TENANTS must be a JSON object');
  return parsed as Record<string, string>;
}

/** Tenants whose risk/admin tokens are platform operators, comma-separated in OPERATOR_TENANTS (default `platform`). */
export const operatorTenants = (raw = process.env.OPERATOR_TENANTS ?? 'platform'): ReadonlySet<string> =>
  new Set(
    raw
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  );

/** WEBHOOK_MODE: 'aws' (default: https, public addresses only) or 'local' (also http and loopback); nothing else. */
export function webhookMode(raw = process.env.WEBHOOK_MODE ?? 'aws'): DestinationMode {
  if (raw !== 'aws' && raw !== 'local') throw new Error(`WEBHOOK_MODE must be aws or local, not '${raw}'`);
  return raw;
}

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  const policyStore = new DynamoDbPolicyRevisions(client, table);
  const { store, portfolio } = trackedSupplierStore(client, table);
  return createApiHandler({
    store,
    portfolio: withReadCache(portfolio),
    queue: new SqsScoreQueue(sqsClient(), requiredEnv('QUEUE_URL')),
    policy: {
      store: policyStore,
      current: new CurrentReference(policyStore, baselineTimeline),
      runs: new DynamoDbRescoreRuns(client, table),
      rescoreQueue: new SqsScoreQueue(sqsClient(), requiredEnv('RESCORE_QUEUE_URL')),
    },
    changes: new DynamoDbChangeLog(client, table),
    scenarios: {
      jobs: new DynamoDbScenarioJobs(client, table),
      queue: new SqsScoreQueue(sqsClient(), requiredEnv('SCENARIO_QUEUE_URL')),
    },
    webhooks: new DynamoDbWebhookStore(client, table),
    notifyQueue: new SqsScoreQueue(sqsClient(), requiredEnv('NOTIFY_QUEUE_URL')),
    events: changeEventsFromEnv(),
    webhookMode: webhookMode(),
    operatorTenants: operatorTenants(),
    log: (message, error) => telemetry().logger.error(message, { error: error as Error }),
    uploads: new S3UploadWriter(createS3Client({})),
    uploadBucket: requiredEnv('UPLOAD_BUCKET'),
    ref: referenceData(),
    auth: { tenantClaim: process.env.TENANT_CLAIM ?? 'tenant', clientTenants: clientTenants() },
    maxInlineBytes: INLINE_UPLOAD_BYTES,
    today: () => new Date().toISOString().slice(0, 10),
    now: () => new Date(),
    openapi: () => openApiJson,
  });
}

export const handler = (event: APIGatewayProxyEventV2, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context as ContextWithAuth);
};
