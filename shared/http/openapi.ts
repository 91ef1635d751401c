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
import { z } from 'zod';
import { MODEL_VERSION } from '../model/score.ts';
import { ROUTES, type RouteDef } from './routes.ts';
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

/** Response bodies are documented as open objects here; the response schemas module narrows them. */
const anyObject = z.record(z.string(), z.unknown());

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

const problems = (codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: problemSchema } } },
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
            : { description: 'OK', content: { 'application/json': { schema: anyObject } } },
        ...(r.id === 'putSupplier'
          ? {
              200: {
                description: 'Scored inline (?sync=true)',
                content: { 'application/json': { schema: anyObject } },
              },
            }
          : {}),
        ...problems(r.scope ? [400, 401, 403, 404, 409, 413, 415, 422, 429, 500] : [500]),
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
