/**
 * The local HTTP API: a node:http server that does what API Gateway's HTTP API does in front of the API function —
 * the JWT authorizer on every route with a scope, the 10 MB payload limit, the payload 2.0 event — and invokes the
 * real handler (`createApiHandler`) over the local runtime's store, queue and S3 store.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import type { ApiDeps } from '../../functions/api/deps.ts';
import { createApiHandler } from '../../functions/api/handler.ts';
import type { ContextWithAuth } from '../../shared/http/middleware/auth-context.ts';
import openApiJson from '../../shared/http/openapi.generated.json' with { type: 'json' };
import { hasScope, matchRoute, type RouteDef, routeKey } from '../../shared/http/routes.ts';
import { withReadCache } from '../../shared/portfolio/read-cache.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { INLINE_UPLOAD_BYTES } from '../../shared/uploads/limits.ts';
import { S3UploadWriter } from '../../shared/uploads/s3-upload-writer.ts';
import { localSigningKey, type SigningKey, verifyToken } from './jwt.ts';
import { lambdaContext } from './lambda-context.ts';
import { LOCAL_BUCKET, type LocalRuntime } from './runtime.ts';

/** API Gateway's HTTP API payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;
const FUNCTION_NAME = 'mineral-risk-api';

export interface ApiServerOptions {
  runtime: Pick<
    LocalRuntime,
    'store' | 'portfolio' | 'queue' | 's3' | 'policy' | 'changes' | 'notify' | 'events' | 'scenarios'
  >;
  /** Default 0: any free port (the real one is in `port` and `url`). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Machine clients: client_id → tenant (CLIENT_TENANTS in AWS). */
  clientTenants?: Record<string, string>;
  /** `today` for requests without an as-of date. */
  today?: () => string;
  /** Keys the local issuer publishes; default the local signing key. */
  keys?: readonly SigningKey[];
  /** Called with what the function threw (API Gateway answers 500); default: one line on stderr. */
  onFunctionError?: (error: unknown) => void;
}

export interface ApiServer {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

type Gateway = { statusCode: number; headers: Record<string, string>; body: string };

const gatewayMessage = (statusCode: number, message: string): Gateway => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|application\/[^;]*\+(json|xml))/i;

/** Claims as the authorizer hands them to the integration: every value a string, arrays as `[a b]`. */
function claimStrings(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The token of the Authorization header (identity source `$request.header.Authorization`), bare or after Bearer. */
function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  const token = (m?.[1] ?? header).trim();
  return token === '' ? null : token;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, requestId: string, r: Gateway, cookies: string[] = []): void {
  const headers: Record<string, string | string[]> = { ...r.headers, 'apigw-requestid': requestId };
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(r.statusCode, headers);
  res.end(r.body);
}

/** The function's result as API Gateway maps it (payload 2.0): a structured result, or a bare value → 200 JSON. */
function fromResult(result: APIGatewayProxyResultV2): { gateway: Gateway; cookies: string[] } {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const raw = r.body ?? '';
    const body = r.isBase64Encoded ? Buffer.from(raw, 'base64').toString('latin1') : raw;
    headers['content-type'] ??= 'application/json';
    return { gateway: { statusCode: r.statusCode ?? 200, headers, body }, cookies: r.cookies ?? [] };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return { gateway: { statusCode: 200, headers: { 'content-type': 'application/json' }, body }, cookies: [] };
}

/**
 * Verified tokens, remembered until they expire: the RSA check is the authorizer's cost (API Gateway's in AWS, not
 * the function's), so the emulation should not charge it on every request. Expiry is re-checked on every hit.
 */
type TokenCache = Map<string, { result: Awaited<ReturnType<typeof verifyToken>>; exp: number }>;

async function verifiedCached(verifiedTokens: TokenCache, token: string, keys: readonly SigningKey[]) {
  const hit = verifiedTokens.get(token);
  if (hit && Date.now() < hit.exp * 1000) return hit.result;
  const result = await verifyToken(token, { keys });
  if (result.ok && typeof result.claims.exp === 'number') {
    if (verifiedTokens.size >= 1000) verifiedTokens.clear();
    verifiedTokens.set(token, { result, exp: result.claims.exp });
  }
  return result;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const keys = options.keys ?? [await localSigningKey()];
  // Per server: a token is remembered only by the server whose keys verified it.
  const verifiedTokens: TokenCache = new Map();
  const { runtime } = options;
  const deps: ApiDeps = {
    store: runtime.store,
    portfolio: withReadCache(runtime.portfolio),
    queue: runtime.queue,
    uploads: new S3UploadWriter(runtime.s3.client),
    uploadBucket: LOCAL_BUCKET,
    ref: referenceData(),
    policy: runtime.policy,
    changes: runtime.changes,
    scenarios: runtime.scenarios,
    webhooks: runtime.notify.webhooks,
    notifyQueue: runtime.notify.queue,
    webhookMode: 'local',
    events: runtime.events,
    operatorTenants: new Set(['platform']),
    auth: { tenantClaim: 'tenant', clientTenants: options.clientTenants ?? {} },
    maxInlineBytes: INLINE_UPLOAD_BYTES,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    now: () => new Date(),
    openapi: () => openApiJson,
  };
  const handler = createApiHandler(deps);
  const onFunctionError =
    options.onFunctionError ??
    ((error: unknown) => process.stderr.write(`api: the function failed: ${(error as Error)?.message ?? error}\n`));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQueryString = q === -1 ? '' : target.slice(q + 1);

    const body = await readBody(req);
    if (body === null) {
      res.setHeader('connection', 'close');
      send(res, requestId, gatewayMessage(413, 'Request Entity Too Large'));
      req.resume();
      return;
    }

    let match: ReturnType<typeof matchRoute> = null;
    try {
      match = matchRoute(method, rawPath);
    } catch {
      match = null;
    }
    const route: RouteDef | null = match?.route ?? null;

    let authorizer: { jwt: { claims: Record<string, string>; scopes: string[] | null } } | undefined;
    if (route && route.scope !== null) {
      const token = bearer(req.headers.authorization);
      const verified = token === null ? null : await verifiedCached(verifiedTokens, token, keys);
      if (!verified?.ok) return send(res, requestId, gatewayMessage(401, 'Unauthorized'));
      if (!hasScope(new Set(verified.scopes), route.scope))
        return send(res, requestId, gatewayMessage(403, 'Forbidden'));
      authorizer = {
        jwt: { claims: claimStrings(verified.claims), scopes: verified.scopes.length > 0 ? verified.scopes : null },
      };
    }

    const headers: Record<string, string> = {};
    for (const [k, values] of Object.entries(req.headersDistinct)) {
      if (k === 'cookie' || !values) continue;
      headers[k] = values.join(',');
    }
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    headers['x-forwarded-for'] = sourceIp;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    const cookies = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c !== '');

    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;

    const contentType = headers['content-type'] ?? '';
    // Passed as a string only when it is text in UTF-8, as the function then reads it; anything else base64-encoded,
    // so the function sees the bytes themselves and decodes (or refuses) them by the declared charset.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8';
    const text = TEXT_TYPE.test(contentType) && (charset === 'utf-8' || charset === 'utf8') && isUtf8(body);
    const now = new Date();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: route ? routeKey(route) : '$default',
      rawPath,
      rawQueryString,
      headers,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route ? routeKey(route) : '$default',
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
    };
    if (authorizer) (event.requestContext as { authorizer?: unknown }).authorizer = authorizer;
    if (cookies.length > 0) event.cookies = cookies;
    if (Object.keys(query).length > 0) event.queryStringParameters = query;
    if (match && Object.keys(match.params).length > 0) event.pathParameters = match.params;
    if (body.length > 0) {
      event.isBase64Encoded = !text;
      event.body = text ? body.toString('utf8') : body.toString('base64');
    }

    let result: APIGatewayProxyResultV2;
    let timer: NodeJS.Timeout | undefined;
    try {
      result = await Promise.race([
        handler(event, lambdaContext(FUNCTION_NAME, 29) as ContextWithAuth),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('integration timeout'), { timeout: true })),
            INTEGRATION_TIMEOUT_MS - (Date.now() - started),
          );
        }),
      ]);
    } catch (error) {
      if ((error as { timeout?: boolean }).timeout)
        return send(res, requestId, gatewayMessage(503, 'Service Unavailable'));
      onFunctionError(error);
      return send(res, requestId, gatewayMessage(500, 'Internal Server Error'));
    } finally {
      clearTimeout(timer);
    }
    const { gateway, cookies: setCookies } = fromResult(result);
    send(res, requestId, gateway, setCookies);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      onFunctionError(error);
      if (!res.headersSent) send(res, randomUUID(), gatewayMessage(500, 'Internal Server Error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(force);
    },
  };
}
