/**
 * The API's routes, defined once: the handler's router, the local server's authorizer emulation, the CDK stack's
 * per-route scopes and the OpenAPI document all read this table.
 */
export type Scope = 'risk/read' | 'risk/write' | 'risk/webhooks' | 'risk/admin';

export interface RouteDef {
  id: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** API Gateway path template. */
  path: string;
  /** Scope the token must carry (risk/admin carries every scope); null = no auth. */
  scope: Scope | null;
  summary: string;
  /** Platform operators only: risk/admin and an operator tenant (policy is every tenant's, not one's). */
  operator?: true;
}

export const ROUTES = [
  { id: 'health', method: 'GET', path: '/health', scope: null, summary: 'Liveness, model and data versions' },
  { id: 'openapi', method: 'GET', path: '/openapi.json', scope: null, summary: 'This API as OpenAPI 3.1' },
  {
    id: 'putSupplier',
    method: 'PUT',
    path: '/v1/suppliers/{supplierId}',
    scope: 'risk/write',
    summary: 'Upsert a supplier (queued, or scored inline with ?sync=true)',
  },
  {
    id: 'getSupplier',
    method: 'GET',
    path: '/v1/suppliers/{supplierId}',
    scope: 'risk/read',
    summary: 'A supplier with its latest score and drivers',
  },
  {
    id: 'deleteSupplier',
    method: 'DELETE',
    path: '/v1/suppliers/{supplierId}',
    scope: 'risk/write',
    summary: 'Delete a supplier and its score',
  },
  {
    id: 'listSuppliers',
    method: 'GET',
    path: '/v1/suppliers',
    scope: 'risk/read',
    summary: 'Suppliers, worst band first (by score within critical and high), filtered and paginated',
  },
  {
    id: 'score',
    method: 'POST',
    path: '/v1/score',
    scope: 'risk/read',
    summary: 'Score 1–100 suppliers now, storing nothing',
  },
  {
    id: 'createBatch',
    method: 'POST',
    path: '/v1/batches',
    scope: 'risk/write',
    summary: 'Upload a supplier list (inline ≤ 5 MB, or get a presigned upload URL)',
  },
  {
    id: 'getBatch',
    method: 'GET',
    path: '/v1/batches/{batchId}',
    scope: 'risk/read',
    summary: 'Batch status and counts',
  },
  {
    id: 'listBatchErrors',
    method: 'GET',
    path: '/v1/batches/{batchId}/errors',
    scope: 'risk/read',
    summary: 'Rejected rows of a batch, paginated',
  },
  {
    id: 'portfolioExposure',
    method: 'GET',
    path: '/v1/portfolio/exposure',
    scope: 'risk/read',
    summary: 'Spend-weighted exposure by mineral and/or country',
  },
  {
    id: 'scenario',
    method: 'POST',
    path: '/v1/scenarios',
    scope: 'risk/read',
    summary: 'What-if policy events applied to your suppliers: answered inline, or as a job for a large portfolio',
  },
  {
    id: 'getScenarioJob',
    method: 'GET',
    path: '/v1/scenarios/{jobId}',
    scope: 'risk/read',
    summary: "A scenario job's progress, then its answer (kept for a day)",
  },
  {
    id: 'upcoming',
    method: 'GET',
    path: '/v1/upcoming',
    scope: 'risk/read',
    summary: 'Suppliers whose score will move on a known policy date, with the cause and projected score',
  },
  {
    id: 'listChanges',
    method: 'GET',
    path: '/v1/changes',
    scope: 'risk/read',
    summary: 'Your score changes, oldest first, from a cursor (the poll alternative to webhooks)',
  },
  {
    id: 'supplierHistory',
    method: 'GET',
    path: '/v1/suppliers/{supplierId}/history',
    scope: 'risk/read',
    summary: "A supplier's score over time: its change records, oldest first",
  },
  {
    id: 'createWebhook',
    method: 'POST',
    path: '/v1/webhooks',
    scope: 'risk/webhooks',
    summary: 'Register a webhook endpoint; its signing secret is shown this once',
  },
  {
    id: 'listWebhooks',
    method: 'GET',
    path: '/v1/webhooks',
    scope: 'risk/webhooks',
    summary: 'Your webhook endpoints (never their secrets)',
  },
  {
    id: 'getWebhook',
    method: 'GET',
    path: '/v1/webhooks/{webhookId}',
    scope: 'risk/webhooks',
    summary: 'A webhook endpoint (never its secrets)',
  },
  {
    id: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/webhooks/{webhookId}',
    scope: 'risk/webhooks',
    summary: 'Delete a webhook endpoint',
  },
  {
    id: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhooks/{webhookId}/rotate-secret',
    scope: 'risk/webhooks',
    summary: 'A new signing secret, shown this once; the old one signs too until the overlap ends',
  },
  {
    id: 'testWebhook',
    method: 'POST',
    path: '/v1/webhooks/{webhookId}/test',
    scope: 'risk/webhooks',
    summary: 'Send the endpoint a signed webhook.test event',
  },
  {
    id: 'listDeliveries',
    method: 'GET',
    path: '/v1/webhooks/{webhookId}/deliveries',
    scope: 'risk/webhooks',
    summary: "The endpoint's delivery log, newest first",
  },
  {
    id: 'getDelivery',
    method: 'GET',
    path: '/v1/webhooks/{webhookId}/deliveries/{deliveryId}',
    scope: 'risk/webhooks',
    summary: 'One delivery with its attempts',
  },
  {
    id: 'retryDelivery',
    method: 'POST',
    path: '/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry',
    scope: 'risk/webhooks',
    summary: 'Deliver again (a failed or dead-lettered delivery)',
  },
  {
    id: 'referenceMinerals',
    method: 'GET',
    path: '/v1/reference/minerals',
    scope: 'risk/read',
    summary: 'Minerals, world shares and vulnerability, with sources',
  },
  {
    id: 'referenceCountries',
    method: 'GET',
    path: '/v1/reference/countries',
    scope: 'risk/read',
    summary: 'Countries with governance data and its vintage',
  },
  {
    id: 'referencePolicyEvents',
    method: 'GET',
    path: '/v1/reference/policy-events',
    scope: 'risk/read',
    summary: 'Export controls, suspensions and agreements, with sources',
  },
  ...(['policy-events', 'agreements'] as const).flatMap((collection) => {
    const param = collection === 'policy-events' ? 'eventId' : 'agreementId';
    const what = collection === 'policy-events' ? 'policy event' : 'agreement';
    const aWhat = collection === 'policy-events' ? 'a policy event' : 'an agreement';
    const id = collection === 'policy-events' ? 'PolicyEvent' : 'Agreement';
    const path = `/v1/admin/${collection}/{${param}}` as const;
    return [
      {
        id: `put${id}`,
        method: 'PUT',
        path,
        scope: 'risk/admin',
        operator: true,
        summary: `Create or amend ${aWhat} (a revision)`,
      },
      {
        id: `withdraw${id}`,
        method: 'DELETE',
        path,
        scope: 'risk/admin',
        operator: true,
        summary: `Withdraw ${aWhat} (a revision)`,
      },
      {
        id: `dryRun${id}`,
        method: 'POST',
        path: `${path}/dry-run`,
        scope: 'risk/admin',
        operator: true,
        summary: `What ${aWhat} revision would move, per tenant; records nothing`,
      },
      {
        id: `list${id}Revisions`,
        method: 'GET',
        path: `${path}/revisions`,
        scope: 'risk/admin',
        operator: true,
        summary: `The ${what}'s revisions: who, when, why, source`,
      },
    ] as const;
  }),
  {
    id: 'listRescoreRuns',
    method: 'GET',
    path: '/v1/admin/rescore-runs',
    scope: 'risk/admin',
    operator: true,
    summary: 'Rescore runs, newest first',
  },
  {
    id: 'getRescoreRun',
    method: 'GET',
    path: '/v1/admin/rescore-runs/{runId}',
    scope: 'risk/admin',
    operator: true,
    summary: 'A rescore run: examined, rescored, changed, failed, per tenant',
  },
] as const satisfies readonly RouteDef[];

export type RouteId = (typeof ROUTES)[number]['id'];

/** `PUT /v1/suppliers/{supplierId}` — API Gateway's routeKey format. */
export const routeKey = (r: RouteDef) => `${r.method} ${r.path}`;

const compiled = ROUTES.map((r) => ({
  route: r as RouteDef,
  pattern: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

/**
 * Match a method and path to a route and its path parameters (decoded); null if none. A parameter that is not valid
 * percent-encoded UTF-8 names no resource, so such a path matches no route (404) rather than throwing.
 */
export function matchRoute(method: string, path: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const { route, pattern } of compiled) {
    if (route.method !== method) continue;
    const params = matchPath(pattern, path);
    if (params) return { route, params };
  }
  return null;
}

function matchPath(pattern: RegExp, path: string): Record<string, string> | null {
  const m = pattern.exec(path);
  if (!m) return null;
  const params: Record<string, string> = {};
  try {
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
  } catch {
    return null;
  }
  return params;
}

/** Whether a path exists under another method (for 405). */
export function pathExists(path: string): boolean {
  return allowedMethods(path).length > 0;
}

/** The methods a path takes (the 405 response's `Allow` header); empty if no route has this path. */
export function allowedMethods(path: string): string[] {
  return compiled.filter(({ pattern }) => matchPath(pattern, path) !== null).map(({ route }) => route.method);
}

/** risk/admin carries every scope. */
export function hasScope(granted: ReadonlySet<string>, needed: Scope): boolean {
  return granted.has(needed) || granted.has('risk/admin');
}
