/**
 * The HTTP API end to end: the local runtime (dynalite, s3rver, the local queue, the real functions) behind the local
 * API server (authorizer emulation, payload 2.0 events, the real API handler), called over HTTP through a client
 * typed by the generated OpenAPI types. Every route, every response parsed with its documented schema, and the
 * authorizer's refusals of missing, expired, forged, misdirected and under-scoped tokens on every route.
 */
import { readFile } from 'node:fs/promises';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type ApiServer, startApiServer } from '../../infra/local/http-server.ts';
import { generateSigningKey, localSigningKey, mintToken } from '../../infra/local/jwt.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';
import * as out from '../../shared/http/response-schemas.ts';
import { ROUTES, type Scope } from '../../shared/http/routes.ts';
import * as upcoming from '../../shared/http/upcoming-schemas.ts';
import { UPLOAD_LIMITS } from '../../shared/uploads/limits.ts';
import type { paths } from '../helpers/api-schema.d.ts';

const TODAY = '2026-11-10';
const TENANT = 'acme';
const SAMPLE = 'events/suppliers/sample.csv';
const WITH_ERRORS = 'events/suppliers/sample-with-errors.csv';

let runtime: LocalRuntime;
let server: ApiServer;
let api: ReturnType<typeof client>;
const tokens: Record<string, string> = {};

const client = (token?: string) =>
  createClient<paths>({
    baseUrl: server.url,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });

/** The body is exactly what the schema documents: it parses, and nothing is stripped. */
function conforms<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.parse(body);
  expect(parsed).toEqual(body);
  return parsed;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const supplier = (mineral = 'gallium', originCountry = 'CN', annualSpendUsd = 1_000_000) => ({
  supplierName: `${mineral} supplier`,
  supplierCountry: 'DE',
  annualSpendUsd,
  tier: 1,
  alternativeSources: 0,
  inventoryDays: 30,
  exposures: [{ mineral, originCountry, processingCountry: originCountry, share: 1 }],
});

beforeAll(async () => {
  runtime = await startLocalRuntime({ timeScale: 0.0005, today: () => TODAY });
  server = await startApiServer({ runtime, today: () => TODAY, clientTenants: { 'erp-connector': TENANT } });
  const mint = (tenant: string, scope: string) => mintToken({ tenant, scope, expiresIn: '10m' });
  tokens.readWrite = await mint(TENANT, 'risk/read risk/write');
  tokens.admin = await mint(TENANT, 'risk/admin');
  tokens.other = await mint('globex', 'risk/read risk/write');
  api = client(tokens.readWrite);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await runtime?.stop();
});

describe('unauthenticated routes', () => {
  it('GET /health and GET /openapi.json answer without a token', async () => {
    const anon = client();
    const health = await anon.GET('/health');
    expect(health.response.status).toBe(200);
    expect(conforms(out.health, health.data).status).toBe('ok');
    const doc = await anon.GET('/openapi.json');
    expect(doc.response.status).toBe(200);
    expect(doc.data).toEqual(openApiDocument());
  });
});

describe('suppliers', () => {
  it('PUT queues (202) and the score function stores it; ?sync=true scores inline (200)', async () => {
    const queued = await api.PUT('/v1/suppliers/{supplierId}', {
      params: { path: { supplierId: 'GA-1' } },
      body: supplier('gallium', 'CN', 2_000_000),
    });
    expect(queued.response.status).toBe(202);
    expect(queued.response.headers.get('location')).toBe('/v1/suppliers/GA-1');
    expect(conforms(out.supplierQueued, queued.data)).toMatchObject({ supplierId: 'GA-1', status: 'queued' });
    const stored = await until('GA-1 scored by the queue', async () => {
      const r = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
      return r.response.status === 200 ? r.data : undefined;
    });
    expect(conforms(out.supplierView, stored).score).toMatchObject({ supplierId: 'GA-1', asOf: TODAY });

    const sync = await api.PUT('/v1/suppliers/{supplierId}', {
      params: { path: { supplierId: 'CO-1' }, query: { sync: 'true' } },
      body: supplier('cobalt', 'CD', 500_000),
    });
    expect(sync.response.status).toBe(200);
    const scored = conforms(out.scoredSupplier, sync.data);
    expect(scored).toMatchObject({ supplierId: 'CO-1', asOf: TODAY, buyerCountry: 'US' });
    expect(scored.drivers.length).toBeGreaterThan(0);
  });

  it('GET returns the stored input, its score and drivers; an unknown id is 404 problem+json', async () => {
    const got = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'CO-1' } } });
    const view = conforms(out.supplierView, got.data);
    expect(view.supplier.exposures).toEqual([
      { mineral: 'cobalt', originCountry: 'CD', processingCountry: 'CD', share: 1 },
    ]);
    expect(view.score.minerals[0]?.mineral).toBe('cobalt');
    const missing = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'NOPE' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.error).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('GET /v1/suppliers lists worst band first (by score in critical and high), filters, and pages with the cursor', async () => {
    for (const [id, mineral, origin] of [
      ['LI-1', 'lithium', 'AU'],
      ['DY-1', 'dysprosium', 'CN'],
      ['NI-1', 'nickel', 'ID'],
    ] as const) {
      const r = await api.PUT('/v1/suppliers/{supplierId}', {
        params: { path: { supplierId: id }, query: { sync: 'true' } },
        body: supplier(mineral, origin),
      });
      expect(r.response.status).toBe(200);
    }
    const all = await api.GET('/v1/suppliers', { params: { query: { limit: 100 } } });
    const page = conforms(out.supplierPage, all.data);
    // Worst band first; by score, highest first, within critical and high; by id within medium and low.
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
    const order = (a: (typeof page.items)[number], b: (typeof page.items)[number]) =>
      rank[a.score.band] - rank[b.score.band] ||
      (rank[a.score.band] <= rank.high ? b.score.score - a.score.score : 0) ||
      (a.supplier.supplierId < b.supplier.supplierId ? -1 : 1);
    expect(page.items).toEqual([...page.items].sort(order));
    expect(page.items.map((s) => s.supplier.supplierId).sort()).toEqual(['CO-1', 'DY-1', 'GA-1', 'LI-1', 'NI-1']);
    expect(page.cursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await api.GET('/v1/suppliers', { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } });
      const p = conforms(out.supplierPage, r.data);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items.map((s) => s.supplier.supplierId));
      cursor = p.cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(page.items.map((s) => s.supplier.supplierId));

    const byMineral = await api.GET('/v1/suppliers', { params: { query: { mineral: 'Dy' } } });
    expect(byMineral.data?.items.map((s) => s.supplier.supplierId)).toEqual(['DY-1']);
    const byCountry = await api.GET('/v1/suppliers', { params: { query: { country: 'Indonesia' } } });
    expect(byCountry.data?.items.map((s) => s.supplier.supplierId)).toEqual(['NI-1']);
    const band = page.items[0]?.score.band ?? 'critical';
    const byBand = await api.GET('/v1/suppliers', { params: { query: { band } } });
    expect(byBand.data?.items.every((s) => s.score.band === band)).toBe(true);
    expect(byBand.data?.items.length).toBe(page.items.filter((s) => s.score.band === band).length);
    const bad = await api.GET('/v1/suppliers', { params: { query: { mineral: 'unobtainium' } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ status: 400, errors: [{ path: 'query.mineral' }] });
  });

  it('DELETE removes the supplier (204), then it is 404', async () => {
    const del = await api.DELETE('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'LI-1' } } });
    expect(del.response.status).toBe(204);
    const again = await api.DELETE('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'LI-1' } } });
    expect(again.response.status).toBe(404);
    const got = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'LI-1' } } });
    expect(got.response.status).toBe(404);
  });
});

describe('scoring, portfolio, scenarios, reference', () => {
  it('POST /v1/score scores statelessly in the CLI result shape, reporting invalid suppliers', async () => {
    const r = await api.POST('/v1/score', {
      body: {
        asOf: '2026-03-01',
        buyerCountry: 'DE',
        suppliers: [
          { supplierId: 'S-1', ...supplier('germanium', 'CN') },
          { supplierId: 'S-2', exposures: [{ mineral: 'unobtainium', originCountry: 'CN', share: 1 }] },
        ],
      },
    });
    expect(r.response.status).toBe(200);
    const result = conforms(out.scoreResult, r.data);
    expect(result).toMatchObject({ asOf: '2026-03-01', buyerCountry: 'DE' });
    expect(result.results.map((s) => s.supplierId)).toEqual(['S-1']);
    expect(result.rejected).toMatchObject([{ row: 2 }]);
    expect(result.summary).toEqual({ rows: 2, suppliers: 1, scored: 1, rejected: 1 });
    const stored = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'S-1' } } });
    expect(stored.response.status).toBe(404);
  });

  it('GET /v1/portfolio/exposure groups the tenant spend', async () => {
    const r = await api.GET('/v1/portfolio/exposure', { params: { query: { groupBy: 'mineral,country' } } });
    expect(r.response.status).toBe(200);
    const p = conforms(out.portfolioExposure, r.data);
    expect(p.groupBy).toBe('mineral,country');
    expect(p.totals.suppliers).toBe(4);
    expect(p.groups.find((g) => g.key.mineral === 'gallium')?.key).toEqual({ mineral: 'gallium', country: 'CN' });
    expect(p.concentration.find((c) => c.mineral === 'gallium')?.sourcingHhi).toBe(1);
  });

  it('GET /v1/upcoming lists the suppliers whose score moves on a known date ahead, with cause and projection', async () => {
    const r = await api.GET('/v1/upcoming', { params: { query: { days: 90 } } });
    expect(r.response.status).toBe(200);
    const page = conforms(upcoming.upcomingPage, r.data);
    expect(page).toMatchObject({ asOf: TODAY, horizon: '2027-02-08', cursor: null });
    expect(page.items.map((s) => s.supplierId)).toEqual(['DY-1', 'GA-1', 'NI-1']);
    expect(page.items[1]?.moves).toMatchObject([
      { date: '2026-11-28', causes: [{ id: 'CN-2024-46-C2-SUSP', change: 'suspension_lapses' }] },
    ]);
    // Indonesia's 2026 nickel ore quota (stage mining) ends with 2026: its day after moves every nickel line.
    expect(page.items[2]?.moves).toMatchObject([
      { date: '2027-01-01', causes: [{ id: 'ID-2026-RKAB', change: 'expires' }] },
    ]);
    const bad = await api.GET('/v1/upcoming', { params: { query: { days: 731 } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ status: 400, errors: [{ path: 'query.days' }] });
  });

  it('POST /v1/scenarios applies hypothetical events and stores nothing', async () => {
    const before = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'NI-1' } } });
    const r = await api.POST('/v1/scenarios', {
      body: {
        add: [{ country: 'ID', kind: 'export_ban', minerals: ['nickel'], effectiveFrom: '2026-01-01' }],
      },
    });
    expect(r.response.status).toBe(200);
    const s = conforms(out.scenarioResult, r.data);
    const ni = s.suppliers.find((x) => x.supplierId === 'NI-1');
    expect(ni?.delta).toBeGreaterThan(0);
    expect(s.scenarioDataVersion).not.toBe(s.baseDataVersion);
    const after = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'NI-1' } } });
    expect(after.data).toEqual(before.data);
    const invalid = await api.POST('/v1/scenarios', { body: { remove: ['no-such-event'] } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error).toMatchObject({ status: 422, errors: [{ path: 'remove[0]' }] });
  });

  it('GET /v1/reference/minerals, /countries and /policy-events carry sources and the data version', async () => {
    const minerals = await api.GET('/v1/reference/minerals');
    const m = conforms(out.referenceMinerals, minerals.data);
    expect(m.items.find((x) => x.id === 'gallium')?.shares.processing.shares[0]?.source).toBeTruthy();
    const countries = await api.GET('/v1/reference/countries');
    const c = conforms(out.referenceCountries, countries.data);
    expect(c.items.find((x) => x.code === 'CN')?.governance?.source).toBeTruthy();
    const events = await api.GET('/v1/reference/policy-events');
    const e = conforms(out.referencePolicyEvents, events.data);
    expect(e.policyEvents.length).toBeGreaterThan(0);
    expect(new Set([m.dataVersion, c.dataVersion, e.dataVersion]).size).toBe(1);
  });
});

describe('batches', () => {
  const poll = (batchId: string) =>
    until(`batch ${batchId}`, async () => {
      const r = await api.GET('/v1/batches/{batchId}', { params: { path: { batchId } } });
      const b = conforms(out.batchView, r.data);
      return b.completedAt !== null || b.status === 'failed' ? b : undefined;
    });

  it('inline CSV: 202, completes, and its rejected rows page through /errors', async () => {
    const csv = await readFile(WITH_ERRORS, 'utf8');
    const created = await api.POST('/v1/batches', {
      params: { query: { asOf: '2026-03-01' } },
      body: csv as never,
      bodySerializer: (b: unknown) => b as string,
      headers: { 'content-type': 'text/csv' },
    });
    expect(created.response.status).toBe(202);
    const b = conforms(out.batchCreated, created.data);
    expect(created.response.headers.get('location')).toBe(`/v1/batches/${b.batchId}`);
    const done = await poll(b.batchId);
    expect(done.status).toBe('completed');
    expect(done.counts.rejected).toBeGreaterThan(1);
    expect((done.counts.accepted ?? 0) + (done.counts.rejected ?? 0)).toBe(done.counts.rows);

    const rows: number[] = [];
    let cursor: string | undefined;
    do {
      const r = await api.GET('/v1/batches/{batchId}/errors', {
        params: { path: { batchId: b.batchId }, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      const page = conforms(out.rejectionPage, r.data);
      rows.push(...page.items.map((x) => x.row));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(rows.length).toBe(done.counts.rejected);
    expect(rows).toEqual([...rows].sort((x, y) => x - y));
  });

  it('presigned: the PUT with the returned headers uploads the file, and the batch completes', async () => {
    const created = await api.POST('/v1/batches', { body: { upload: 'presigned', format: 'csv', asOf: '2026-03-01' } });
    expect(created.response.status).toBe(202);
    const b = conforms(out.batchCreated, created.data);
    expect(b.upload).toBeDefined();
    const upload = b.upload as NonNullable<typeof b.upload>;
    expect(upload.maxBytes).toBe(UPLOAD_LIMITS.csvBytes);
    const put = await fetch(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: await readFile(SAMPLE),
    });
    expect(put.status).toBe(200);
    const done = await poll(b.batchId);
    expect(done).toMatchObject({ status: 'completed', asOf: '2026-03-01', counts: { rejected: 0 } });
    expect(done.counts.suppliersScored).toBe(done.counts.suppliers);
    const errors = await api.GET('/v1/batches/{batchId}/errors', { params: { path: { batchId: b.batchId } } });
    expect(errors.data).toEqual({ items: [], cursor: null });
  });

  it('an unknown batch is 404; a body above the inline limit is 413 problem+json', async () => {
    const missing = await api.GET('/v1/batches/{batchId}', { params: { path: { batchId: 'b-none' } } });
    expect(missing.response.status).toBe(404);
    const big = `supplier_id,mineral,origin_country,share\n${'X-1,cobalt,CD,1\n'.repeat(400_000)}`;
    const r = await fetch(`${server.url}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.readWrite}`, 'content-type': 'text/csv' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('what API Gateway answers itself', () => {
  it('a body above 10 MB is 413 before the function runs', async () => {
    const r = await fetch(`${server.url}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.readWrite}`, 'content-type': 'text/csv' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  it('a failing function is a bare 500, never a message or a stack trace', async () => {
    const failing = new Proxy(runtime.store, {
      get: (target, prop, receiver) =>
        prop === 'getSupplier'
          ? async () => {
              throw new Error('secret: table mineral-risk-local is on fire');
            }
          : Reflect.get(target, prop, receiver),
    });
    const errors: unknown[] = [];
    const broken = await startApiServer({
      runtime: { ...runtime, store: failing },
      onFunctionError: (e) => errors.push(e),
    });
    try {
      const r = await fetch(`${broken.url}/v1/suppliers/GA-1`, {
        headers: { authorization: `Bearer ${tokens.readWrite}` },
      });
      expect(r.status).toBe(500);
      const text = await r.text();
      expect(JSON.parse(text)).toMatchObject({ status: 500, title: 'Internal Server Error' });
      expect(text).not.toMatch(/secret|on fire|\bat\s|\.ts:\d/);
      const garbled = await fetch(`${broken.url}/v1/score`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.readWrite}`, 'content-type': 'application/json' },
        body: '{"suppliers": [',
      });
      expect(garbled.status).toBe(400);
      expect(await garbled.text()).not.toMatch(/\bat\s|\.ts:\d/);
    } finally {
      await broken.stop();
    }
  });
});

describe('tenancy', () => {
  it('another tenant sees none of it; a machine client gets its tenant from the client mapping', async () => {
    const other = client(tokens.other);
    const got = await other.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(got.response.status).toBe(404);
    const list = await other.GET('/v1/suppliers');
    expect(list.data).toEqual({ items: [], cursor: null });
    const del = await other.DELETE('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(del.response.status).toBe(404);

    const machine = client(await mintToken({ clientId: 'erp-connector', scope: 'risk/read' }));
    const mine = await machine.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(mine.response.status).toBe(200);
    const unmapped = client(await mintToken({ clientId: 'stranger', scope: 'risk/read' }));
    const refused = await unmapped.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(refused.response.status).toBe(403);
    const odd = client(await mintToken({ tenant: 'acme#S#GA-1', scope: 'risk/read risk/write' }));
    const oddRead = await odd.GET('/v1/suppliers', {});
    expect(oddRead.response.status).toBe(403);
    expect(oddRead.error).toMatchObject({ detail: 'the token names an invalid tenant' });
  });
});

describe('the authorizer, at the server, on every authenticated route', () => {
  const concrete = (path: string) => path.replace('{supplierId}', 'GA-1').replace(/\{\w+\}/g, 'b-none');
  const bodies: Partial<Record<string, { type: string; body: string }>> = {
    putSupplier: { type: 'application/json', body: JSON.stringify(supplier()) },
    score: { type: 'application/json', body: JSON.stringify({ suppliers: [{ supplierId: 'X', ...supplier() }] }) },
    createBatch: { type: 'text/csv', body: 'supplier_id,mineral,origin_country,share\nX-1,cobalt,CD,1\n' },
    scenario: { type: 'application/json', body: JSON.stringify({ remove: [] }) },
  };
  const call = (r: (typeof ROUTES)[number], authorization?: string) => {
    const b = bodies[r.id];
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (b) headers['content-type'] = b.type;
    return fetch(`${server.url}${concrete(r.path)}`, { method: r.method, headers, ...(b ? { body: b.body } : {}) });
  };
  const other: Record<Scope, string> = {
    'risk/read': 'risk/write',
    'risk/write': 'risk/read',
    'risk/webhooks': 'risk/read risk/write',
    'risk/admin': '',
  };

  it('refuses missing, expired, not-yet-valid, forged, misdirected and malformed tokens with 401', async () => {
    const local = await localSigningKey();
    const scope = 'risk/read risk/write';
    const hourAgo = new Date(Date.now() - 3_600_000);
    const bad: Record<string, string | undefined> = {
      missing: undefined,
      empty: 'Bearer ',
      garbage: 'Bearer not.a.jwt',
      expired: `Bearer ${await mintToken({ tenant: TENANT, scope, issuedAt: hourAgo, expiresIn: 60 })}`,
      notYetValid: `Bearer ${await mintToken({ tenant: TENANT, scope, notBefore: new Date(Date.now() + 600_000) })}`,
      forged: `Bearer ${await mintToken({ tenant: TENANT, scope, key: await generateSigningKey(local.kid) })}`,
      unknownKey: `Bearer ${await mintToken({ tenant: TENANT, scope, key: await generateSigningKey() })}`,
      wrongAudience: `Bearer ${await mintToken({ tenant: TENANT, scope, audience: 'another-api' })}`,
      noAudience: `Bearer ${await mintToken({ tenant: TENANT, scope, audience: null })}`,
      wrongIssuer: `Bearer ${await mintToken({ tenant: TENANT, scope, issuer: 'https://evil.example' })}`,
      unsigned: `Bearer ${unsignedToken(TENANT, scope)}`,
    };
    const authenticated = ROUTES.filter((r) => r.scope !== null);
    expect(authenticated.length).toBe(36);
    const results = await Promise.all(
      authenticated.flatMap((r) =>
        Object.entries(bad).map(async ([kind, header]) => {
          const res = await call(r, header);
          return { route: `${r.method} ${r.path}`, kind, status: res.status, body: await res.text() };
        }),
      ),
    );
    for (const x of results) expect(x, `${x.kind} ${x.route}`).toMatchObject({ status: 401 });
    expect(new Set(results.map((x) => x.body))).toEqual(new Set(['{"message":"Unauthorized"}']));
  });

  it("refuses a valid token without the route's scope with 403 (risk/admin carries every scope)", async () => {
    for (const r of ROUTES) {
      if (r.scope === null) continue;
      const under = await mintToken({ tenant: TENANT, scope: other[r.scope] });
      const res = await call(r, `Bearer ${under}`);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(await res.text()).toBe('{"message":"Forbidden"}');
      const none = await call(r, `Bearer ${await mintToken({ tenant: TENANT, scope: '' })}`);
      expect(none.status, `no scope: ${r.method} ${r.path}`).toBe(403);
    }
    const admin = client(tokens.admin);
    const read = await admin.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(read.response.status).toBe(200);
    const write = await admin.PUT('/v1/suppliers/{supplierId}', {
      params: { path: { supplierId: 'AD-1' }, query: { sync: 'true' } },
      body: supplier(),
    });
    expect(write.response.status).toBe(200);
  });

  it('refused requests changed nothing', async () => {
    const r = await api.GET('/v1/suppliers/{supplierId}', { params: { path: { supplierId: 'GA-1' } } });
    expect(r.response.status).toBe(200);
    expect(r.data?.supplier.annualSpendUsd).toBe(2_000_000);
  });
});

/** An `alg: none` token (what a forger sends when a verifier trusts the header's algorithm). */
function unsignedToken(tenant: string, scope: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    tenant,
    scope,
    iss: 'http://localhost/mineral-risk-dev',
    aud: 'mineral-risk-api',
    iat: now,
    exp: now + 600,
  };
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}
