/**
 * API Gateway HTTP API (payload 2.0) events as the JWT authorizer hands them to the API function, and a fixture that
 * builds the real API handler over a fresh local runtime (dynalite, local S3, local queue, real score and ingest
 * handlers) and calls it as API Gateway would.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { createApiHandler } from '../../functions/api/handler.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import type { ContextWithAuth } from '../../shared/http/middleware/auth-context.ts';
import { INLINE_UPLOAD_BYTES } from '../../shared/uploads/limits.ts';

/** Claims as API Gateway passes them on (values flattened to strings, numbers or booleans). */
export type Claims = Record<string, string | number | boolean | string[]>;

export interface ApiEventOptions {
  method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  path: string;
  query?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. Omitted = no body. */
  body?: unknown;
  /** Default `application/json` when there is a body; null = no content-type header. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** The verified token's claims; omitted or null = no authorizer context at all (a public route). */
  claims?: Claims | null;
  /** `requestContext.authorizer.jwt.scopes`, as the authorizer lists them (default null, as for most JWTs). */
  scopes?: string[] | null;
  isBase64Encoded?: boolean;
}

/** A token's claims for a tenant and scopes (space-separated, as in the `scope` claim). */
export function claimsFor(tenant: string, scope = 'risk/read risk/write', extra: Claims = {}): Claims {
  return { sub: `user-of-${tenant}`, iss: 'https://issuer.local', aud: 'mineral-risk', tenant, scope, ...extra };
}

const encodeQuery = (query: Record<string, string>) =>
  Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** What the JWT authorizer puts in `requestContext.authorizer` (scopes: null unless the route lists scopes). */
type JwtAuthorizerContext = Omit<APIGatewayEventRequestContextJWTAuthorizer, 'jwt'> & {
  jwt: { claims: Claims; scopes: string[] | null };
};

/** One API Gateway HTTP API v2 event with the JWT authorizer's context. */
export function apiEvent(o: ApiEventOptions): APIGatewayProxyEventV2 {
  const method = o.method.toUpperCase();
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  const headers: Record<string, string> = { host: 'api.local', 'user-agent': 'vitest' };
  const type = o.contentType === undefined ? (body === undefined ? null : 'application/json') : o.contentType;
  if (type !== null) headers['content-type'] = type;
  if (body !== undefined)
    headers['content-length'] = String(
      o.isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body),
    );
  for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
  const query = o.query && Object.keys(o.query).length > 0 ? o.query : undefined;
  const now = Date.now();
  const requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: JwtAuthorizerContext } = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: 'api.local',
    domainPrefix: 'api',
    http: { method, path: o.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    requestId: randomUUID(),
    routeKey: '$default',
    stage: '$default',
    time: new Date(now).toUTCString(),
    timeEpoch: now,
  };
  if (o.claims != null)
    requestContext.authorizer = {
      principalId: '',
      integrationLatency: 0,
      jwt: { claims: o.claims, scopes: o.scopes ?? null },
    };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: o.path,
    rawQueryString: query ? encodeQuery(query) : '',
    headers,
    requestContext,
    isBase64Encoded: o.isBase64Encoded ?? false,
    ...(query ? { queryStringParameters: { ...query } } : {}),
    ...(body !== undefined ? { body } : {}),
  };
}

/** A response as the client sees it: status, lower-cased headers, the body as text and, if JSON, parsed. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies by shape
  json: any;
}

export function toResponse(result: APIGatewayProxyResultV2): ApiResponse {
  if (typeof result === 'string') return { status: 200, headers: {}, text: result, json: safeJson(result) };
  const r = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const text = r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString() : r.body;
  return { status: r.statusCode ?? 200, headers, text, json: safeJson(text) };
}

function safeJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ApiFixture {
  runtime: LocalRuntime;
  handler: ReturnType<typeof createApiHandler>;
  /** Sends one event through the handler (a fresh Lambda context each time, as a new invocation). */
  send(event: APIGatewayProxyEventV2): Promise<ApiResponse>;
  call(o: ApiEventOptions): Promise<ApiResponse>;
  /** Sets the clock the API stamps input versions with (ms); default: the wall clock. */
  setNow(ms: number | null): void;
  stop(): Promise<void>;
}

export interface ApiFixtureOptions {
  /** Machine clients: client_id → tenant. */
  clientTenants?: Record<string, string>;
  tenantClaim?: string;
  maxInlineBytes?: number;
  today?: string;
  timeScale?: number;
  /** Tenants above this many suppliers get their scenarios as jobs. */
  scenarioInlineMax?: number;
  /** Called with the store's DynamoDB client before anything uses it: fault tests add SDK middleware (faults.ts). */
  onDynamoClient?: (client: DynamoDBClient) => void;
}

/** Queue waits compressed as in the pipeline tests. */
export const FAST = 0.0005;
export const TODAY = '2026-11-10';

/**
 * The API handler over a fresh local runtime, with the same wiring as the Lambda's `handler`. The runtime and the
 * handler are imported here, not at the top, so the middleware unit tests that use only `apiEvent` load light.
 */
export async function startApi(options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const [{ createApiHandler }, { lambdaContext }, { LOCAL_BUCKET, startLocalRuntime }, openapi, reference, writer] =
    await Promise.all([
      import('../../functions/api/handler.ts'),
      import('../../infra/local/lambda-context.ts'),
      import('../../infra/local/runtime.ts'),
      import('../../shared/http/openapi.ts'),
      import('../../shared/reference/index.ts'),
      import('../../shared/uploads/s3-upload-writer.ts'),
    ]);
  const today = options.today ?? TODAY;
  const runtime = await startLocalRuntime({
    timeScale: options.timeScale ?? FAST,
    today: () => today,
    ...(options.scenarioInlineMax !== undefined ? { scenarioInlineMax: options.scenarioInlineMax } : {}),
    ...(options.onDynamoClient ? { onDynamoClient: options.onDynamoClient } : {}),
  });
  let fixedNow: number | null = null;
  const handler = createApiHandler({
    store: runtime.store,
    portfolio: runtime.portfolio,
    queue: runtime.queue,
    uploads: new writer.S3UploadWriter(runtime.s3.client),
    uploadBucket: LOCAL_BUCKET,
    ref: reference.referenceData(),
    policy: runtime.policy,
    changes: runtime.changes,
    scenarios: runtime.scenarios,
    webhooks: runtime.notify.webhooks,
    notifyQueue: runtime.notify.queue,
    webhookMode: 'local',
    events: runtime.events,
    operatorTenants: new Set(['platform']),
    auth: { tenantClaim: options.tenantClaim ?? 'tenant', clientTenants: options.clientTenants ?? {} },
    maxInlineBytes: options.maxInlineBytes ?? INLINE_UPLOAD_BYTES,
    today: () => today,
    now: () => (fixedNow === null ? new Date() : new Date(fixedNow)),
    openapi: openapi.openApiDocument,
  });
  const send = async (event: APIGatewayProxyEventV2) =>
    toResponse(await handler(event, lambdaContext('mineral-risk-api', 29) as ContextWithAuth));
  return {
    runtime,
    handler,
    send,
    call: (o) => send(apiEvent(o)),
    setNow: (ms) => {
      fixedNow = ms;
    },
    stop: () => runtime.stop(),
  };
}

/** A supplier as a procurement system PUTs it (the CSV contract's fields in camelCase). */
export function supplierBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    supplierName: 'Magnet Works',
    supplierCountry: 'DE',
    annualSpendUsd: 1_000_000,
    tier: 1,
    alternativeSources: 0,
    inventoryDays: 30,
    exposures: [
      { mineral: 'dysprosium', originCountry: 'CN', processingCountry: 'CN', share: 0.6 },
      { mineral: 'gallium', originCountry: 'CN', share: '40%' },
    ],
    ...overrides,
  };
}
