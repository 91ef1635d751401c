/**
 * The OpenAPI document: valid OpenAPI 3.1 by a real validator, every route of the route table in it with its scope,
 * the response schemas equal to the types the routes return, and the committed client types never stale.
 */
import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { API_SCHEMA_FILE, generateApiTypes, generateOpenApiJson, OPENAPI_FILE } from '../../../bin/openapi.ts';
import { openApiDocument } from '../../../shared/http/openapi.ts';
import type * as out from '../../../shared/http/response-schemas.ts';
import { ROUTES } from '../../../shared/http/routes.ts';
import type { PortfolioExposure } from '../../../shared/model/portfolio.ts';
import type { ScenarioResult } from '../../../shared/model/scenario.ts';
import type { ScoredSupplier, SupplierInput } from '../../../shared/model/types.ts';
import type { PortfolioFreshness } from '../../../shared/portfolio/port.ts';
import type { Agreement, Governance, PolicyEvent, ProductionShare } from '../../../shared/reference/types.ts';
import type { Rejection, RunSummary } from '../../../shared/report/summary.ts';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
}

const doc = () => structuredClone(openApiDocument()) as Doc;

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (swagger-parser)', async () => {
    const validated = (await SwaggerParser.validate(doc() as never)) as unknown as Doc;
    expect(validated.openapi).toBe('3.1.0');
  });

  it('has every route of the route table, with its scope as the security requirement, and nothing else', () => {
    const d = doc();
    for (const r of ROUTES) {
      const op = d.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op?.operationId).toBe(r.id);
      if (r.scope === null) expect(op?.security ?? []).toEqual([]);
      else expect(op?.security).toEqual([{ bearer: [r.scope] }]);
    }
    const documented = Object.entries(d.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(d.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents a named response schema for every success body (only /openapi.json is an open object)', () => {
    const d = doc();
    for (const r of ROUTES) {
      const op = d.paths[r.path]?.[r.method.toLowerCase()] as Operation;
      const ok = Object.entries(op.responses).filter(([code]) => code.startsWith('2'));
      expect(ok.length, r.id).toBeGreaterThan(0);
      for (const [code, res] of ok) {
        if (code === '204') {
          expect(res.content).toBeUndefined();
          continue;
        }
        const schema = res.content?.['application/json']?.schema as { $ref?: string };
        if (r.id === 'openapi') expect(schema).toMatchObject({ type: 'object' });
        else expect(schema.$ref, `${r.id} ${code}`).toMatch(/^#\/components\/schemas\/\w+$/);
      }
    }
  });

  it('describes the types the routes return', () => {
    expectTypeOf<z.infer<typeof out.scoredSupplier>>().toEqualTypeOf<ScoredSupplier>();
    expectTypeOf<z.infer<typeof out.supplierInput>>().toEqualTypeOf<SupplierInput>();
    expectTypeOf<z.infer<typeof out.rejection>>().toEqualTypeOf<Rejection>();
    expectTypeOf<z.infer<typeof out.scoreResult>['summary']>().toEqualTypeOf<RunSummary>();
    expectTypeOf<
      Omit<z.infer<typeof out.portfolioExposure>, 'groupBy' | 'freshness'>
    >().toEqualTypeOf<PortfolioExposure>();
    expectTypeOf<z.infer<typeof out.portfolioExposure>['freshness']>().toEqualTypeOf<PortfolioFreshness>();
    expectTypeOf<z.infer<typeof out.scenarioResult>>().toEqualTypeOf<ScenarioResult>();
    expectTypeOf<z.infer<typeof out.productionShare>>().toEqualTypeOf<ProductionShare>();
    expectTypeOf<z.infer<typeof out.governance>>().toEqualTypeOf<Governance>();
    expectTypeOf<z.infer<typeof out.policyEvent>>().toEqualTypeOf<PolicyEvent>();
    expectTypeOf<z.infer<typeof out.agreement>>().toEqualTypeOf<Agreement>();
  });
});

describe('the generated files', () => {
  it('shared/http/openapi.generated.json (what the API serves) is what `npm run openapi` generates now', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    // On failure: run `npm run openapi` and commit the files.
    expect(JSON.parse(committed)).toEqual(openApiDocument());
    expect(committed === generateOpenApiJson(), 'openapi.generated.json is stale: run npm run openapi').toBe(true);
  });

  it('test/helpers/api-schema.d.ts is what `npm run openapi` generates now', async () => {
    const committed = await readFile(API_SCHEMA_FILE, 'utf8');
    expect(committed === (await generateApiTypes()), 'api-schema.d.ts is stale: run npm run openapi').toBe(true);
  });
});
