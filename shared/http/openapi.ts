/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with and the same route table
 * the router and the stack use.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { MODEL_VERSION } from '../model/score.ts';
import { DESCRIPTIONS, OPERATOR_ONLY, STATUS_NOTES, WEBHOOK_SCOPE } from './openapi-descriptions.ts';
import { ANY_ROUTE, AUTHENTICATED, anyObject, ERRORS, REQUESTS, RESPONSES, SUCCESS } from './openapi-route-tables.ts';
import { registerWebhooks } from './openapi-webhooks.ts';
import * as out from './response-schemas.ts';
import { ROUTES, type RouteDef, type RouteId } from './routes.ts';
import * as scenarios from './scenario-schemas.ts';

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
