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
import { MODEL_VERSION } from '../model/score.ts';
import * as out from './response-schemas.ts';
import { ROUTES, type RouteDef, type RouteId } from './routes.ts';
import * as s from './schemas.ts';

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
const RESPONSES: Record<Exclude<RouteId, 'deleteSupplier'>, z.ZodType> = {
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
  referenceMinerals: out.referenceMinerals,
  referenceCountries: out.referenceCountries,
  referencePolicyEvents: out.referencePolicyEvents,
};

type RequestSpec = NonNullable<RouteConfig['request']>;

const jsonContent = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

const REQUESTS: Partial<Record<string, RequestSpec>> = {
  putSupplier: {
    params: z.object({ supplierId: z.string() }),
    query: z.object({ sync: z.enum(['true', 'false']).optional() }),
    body: jsonContent(s.putSupplierBody),
  },
  getSupplier: { params: z.object({ supplierId: z.string() }) },
  deleteSupplier: { params: z.object({ supplierId: z.string() }) },
  listSuppliers: { query: s.listSuppliersQuery },
  score: { body: jsonContent(s.scoreRequest) },
  createBatch: {
    query: s.scoringDefaults,
    body: {
      content: {
        'text/csv': { schema: z.string() },
        'application/json': { schema: z.union([z.array(anyObject), s.batchCreateRequest]) },
      },
    },
  },
  getBatch: { params: z.object({ batchId: z.string() }) },
  listBatchErrors: { params: z.object({ batchId: z.string() }), query: s.paginationQuery },
  portfolioExposure: { query: s.portfolioQuery },
  scenario: { body: jsonContent(s.scenarioRequest) },
};

const SUCCESS: Partial<Record<string, number>> = { putSupplier: 202, createBatch: 202, deleteSupplier: 204 };

/** What API Gateway itself answers (the authorizer's 401/403, 413 above 10 MB, a failed or timed-out function). */
const GATEWAY: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const problems = (codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: GATEWAY[c] ? `RFC 9457 problem, or API Gateway's {"message":"${GATEWAY[c]}"}` : 'RFC 9457 problem',
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
      ...(r.scope ? { security: [{ bearer: [r.scope] }] } : {}),
      ...(REQUESTS[r.id] ? { request: REQUESTS[r.id] } : {}),
      responses: {
        [ok]:
          ok === 204
            ? { description: 'Done' }
            : {
                description: ok === 202 ? 'Accepted' : 'OK',
                content: { 'application/json': { schema: RESPONSES[r.id as keyof typeof RESPONSES] ?? anyObject } },
              },
        ...(r.id === 'putSupplier'
          ? {
              200: {
                description: 'Scored inline (?sync=true)',
                content: { 'application/json': { schema: out.scoredSupplier } },
              },
            }
          : {}),
        ...problems(r.scope ? [400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503] : [500, 503]),
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'mineral-risk',
      version: MODEL_VERSION,
      description:
        "Scores each supplier's exposure to critical-mineral supply disruption, by mineral and origin country, as of a date.",
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
