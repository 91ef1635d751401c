/**
 * The route table and its router: every route matches its own method and path (parameters decoded), nothing else
 * does; a path that exists under other methods is told apart (405, with the methods for `Allow`) from one that
 * does not (404); risk/admin carries every scope and nothing else stands in for a missing one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  hasScope,
  matchRoute,
  pathExists,
  ROUTES,
  type RouteDef,
  routeKey,
  type Scope,
} from '../../../shared/http/routes.ts';

const SCOPES: readonly Scope[] = ['risk/read', 'risk/write', 'risk/webhooks', 'risk/admin'];
const concrete = (r: RouteDef, value = 'p-1') => r.path.replace(/\{\w+\}/g, value);

describe('the route table', () => {
  it('has unique ids and unique method + path pairs', () => {
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => routeKey(r))).size).toBe(ROUTES.length);
  });

  it('leaves only /health and /openapi.json without auth, and every /v1 route scoped', () => {
    expect(ROUTES.filter((r) => r.scope === null).map((r) => r.path)).toEqual(['/health', '/openapi.json']);
    for (const r of ROUTES) if (r.path.startsWith('/v1/')) expect(SCOPES).toContain(r.scope);
    // Routes that change a tenant's data need risk/write; POST /v1/score and /v1/scenarios store nothing. The
    // tenant's webhook endpoints, and only they, are risk/webhooks.
    for (const r of ROUTES as readonly RouteDef[]) {
      const webhooks = r.path.startsWith('/v1/webhooks');
      expect(r.scope === 'risk/webhooks', routeKey(r)).toBe(webhooks);
      if (!r.operator && !webhooks && (r.method === 'PUT' || r.method === 'DELETE' || r.id === 'createBatch'))
        expect(r.scope, routeKey(r)).toBe('risk/write');
    }
    // Policy (every tenant's) only for platform operators: risk/admin and flagged, all under /v1/admin/.
    for (const r of ROUTES as readonly RouteDef[])
      expect(r.path.startsWith('/v1/admin/'), routeKey(r)).toBe(r.operator === true && r.scope === 'risk/admin');
  });

  it('routeKey is API Gateway’s "METHOD /path/{param}"', () => {
    expect(ROUTES.map(routeKey)).toContain('PUT /v1/suppliers/{supplierId}');
  });
});

describe('matchRoute', () => {
  for (const r of ROUTES as readonly RouteDef[]) {
    it(`${routeKey(r)} matches its own method and path, and no other method`, () => {
      const m = matchRoute(r.method, concrete(r));
      expect(m?.route.id).toBe(r.id);
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
      expect(Object.keys(m?.params ?? {})).toEqual(names);
      for (const v of Object.values(m?.params ?? {})) expect(v).toBe('p-1');
      for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
        const other = matchRoute(method, concrete(r));
        if (other) expect(other.route.method).toBe(method);
        if (method === r.method) expect(other?.route.id).toBe(r.id);
      }
    });
  }

  it('decodes path parameters', () => {
    expect(matchRoute('GET', '/v1/suppliers/ACME%20GmbH%20%E2%82%AC')?.params).toEqual({
      supplierId: 'ACME GmbH €',
    });
    expect(matchRoute('GET', '/v1/batches/b%2F1/errors')?.params).toEqual({ batchId: 'b/1' });
  });

  it('returns null, not an exception, for a parameter that is not valid percent-encoding', () => {
    for (const bad of ['%', '%E0%A4%A', '%ZZ', 'a%2', '%C0%AF', '%ED%A0%80'])
      expect(() => matchRoute('GET', `/v1/suppliers/${bad}`)).not.toThrow();
    expect(matchRoute('GET', '/v1/suppliers/%E0%A4%A')).toBeNull();
    expect(matchRoute('GET', '/v1/batches/%/errors')).toBeNull();
  });

  it('does not match extra or missing segments, trailing slashes, other prefixes or lower-case methods', () => {
    for (const [method, path] of [
      ['GET', '/v1/suppliers/'],
      ['GET', '/v1/suppliers/a/b'],
      ['GET', '/v1/suppliers/a/'],
      ['GET', '/v1/batches//errors'],
      ['GET', '/v2/suppliers'],
      ['GET', '/v1/suppliers/x/../y'],
      ['GET', '/health/'],
      ['GET', '/prefix/health'],
      ['get', '/health'],
      ['POST', '/v1/suppliers'],
    ])
      expect(matchRoute(method as string, path as string), `${method} ${path}`).toBeNull();
  });

  it('never throws on any method and path', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (method, path) => {
        matchRoute(method, `/${path}`);
        allowedMethods(`/${path}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('404 vs 405: allowedMethods and pathExists', () => {
  it('lists the methods of an existing path, for 405 and its Allow header', () => {
    expect(allowedMethods('/v1/suppliers/s-1').sort()).toEqual(['DELETE', 'GET', 'PUT']);
    expect(allowedMethods('/v1/suppliers').sort()).toEqual(['GET']);
    expect(allowedMethods('/v1/batches').sort()).toEqual(['POST']);
    expect(allowedMethods('/v1/score')).toEqual(['POST']);
    expect(pathExists('/v1/suppliers/s-1')).toBe(true);
  });

  it('a method a path does not take is not matched but the path exists (405)', () => {
    expect(matchRoute('POST', '/v1/suppliers/s-1')).toBeNull();
    expect(pathExists('/v1/suppliers/s-1')).toBe(true);
    expect(matchRoute('GET', '/v1/scenarios')).toBeNull();
    expect(pathExists('/v1/scenarios')).toBe(true);
  });

  it('an unknown path, or one with an undecodable parameter, exists under no method (404)', () => {
    for (const path of [
      '/',
      '/v1',
      '/v1/nope',
      '/v1/suppliers/a/b',
      '/v1/suppliers/%E0%A4%A',
      '/v1/batches/%/errors',
    ]) {
      expect(allowedMethods(path), path).toEqual([]);
      expect(pathExists(path), path).toBe(false);
    }
  });
});

describe('hasScope', () => {
  it('grants a route its own scope and refuses others', () => {
    expect(hasScope(new Set(['risk/read']), 'risk/read')).toBe(true);
    expect(hasScope(new Set(['risk/read']), 'risk/write')).toBe(false);
    expect(hasScope(new Set(['risk/write']), 'risk/read')).toBe(false);
    expect(hasScope(new Set(['risk/read', 'risk/write']), 'risk/admin')).toBe(false);
    expect(hasScope(new Set(['risk/read', 'risk/write']), 'risk/webhooks')).toBe(false);
    expect(hasScope(new Set(), 'risk/read')).toBe(false);
  });

  it('risk/admin passes every scope', () => {
    for (const needed of SCOPES) expect(hasScope(new Set(['risk/admin']), needed)).toBe(true);
  });

  it('is exact: no prefix, case or whitespace variant stands in for a scope', () => {
    const lookalikes = [
      'risk/Read',
      'RISK/READ',
      'risk/read ',
      ' risk/read',
      'risk',
      'risk/*',
      'risk/readwrite',
      'admin',
    ];
    for (const needed of SCOPES) expect(hasScope(new Set(lookalikes), needed)).toBe(false);
  });

  it('property: granted iff the set holds the scope or risk/admin', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.constantFrom(...SCOPES), fc.string({ maxLength: 12 }))),
        fc.constantFrom(...SCOPES),
        (granted, needed) => {
          expect(hasScope(new Set(granted), needed)).toBe(granted.includes(needed) || granted.includes('risk/admin'));
        },
      ),
    );
  });
});
