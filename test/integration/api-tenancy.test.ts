/**
 * Tenant isolation through the real API handler over the local runtime: tenant B (globex) can never read, list,
 * change, delete or infer tenant A's (acme) suppliers, spend or batches, on any route that takes a tenant; the tenant
 * comes from the verified claims only (a mapped client_id for machine clients), never from a header, the query or the
 * body; and every scoped route refuses a missing (401), tenant-less or under-scoped (403) token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteDef, type RouteId } from '../../shared/http/routes.ts';
import {
  type ApiEventOptions,
  type ApiFixture,
  type ApiResponse,
  type Claims,
  claimsFor,
  startApi,
  supplierBody,
} from '../helpers/api-events.ts';

/** Everything of A's carries one of these; none may ever appear in a response to B. */
const A_MARK = 'ACMESECRET';
const A_SPEND = 7_777_777;
const A_LEAK = /ACMESECRET|7777777|acme-/;

const A = claimsFor('acme');
const B = claimsFor('globex');
const C = claimsFor('initech');
const ADMIN_B = claimsFor('globex', 'risk/admin');

/** A's supplier list, uploaded inline: three valid rows and two rejected ones (their values marked too). */
const A_CSV = [
  'supplier_id,supplier_name,supplier_country,annual_spend_usd,tier,mineral,origin_country,processing_country,share,alternative_sources,inventory_days',
  `acme-b1,${A_MARK} Batch One,DE,${A_SPEND},1,neodymium,CN,CN,60%,1,30`,
  `acme-b1,${A_MARK} Batch One,DE,${A_SPEND},1,neodymium,AU,MY,40%,1,30`,
  `acme-b2,${A_MARK} Batch Two,FR,${A_SPEND},2,gallium,CN,,0.5,0,10`,
  `acme-b3,${A_MARK} Batch Three,FR,${A_SPEND},2,${A_MARK}ium,CN,,0.5,0,10`,
  `acme-b4,${A_MARK} Batch Four,FR,${A_SPEND},2,cobalt,${A_MARK}land,,0.5,0,10`,
  '',
].join('\n');

const aSupplier = (n: string) =>
  supplierBody({ supplierName: `${A_MARK} ${n}`, annualSpendUsd: A_SPEND, supplierCountry: 'DE' });
const bSupplier = (n: string, spend = 1_234) =>
  supplierBody({
    supplierName: `Globex ${n}`,
    annualSpendUsd: spend,
    supplierCountry: 'JP',
    exposures: [{ mineral: 'dysprosium', originCountry: 'MM', share: 0.3 }],
  });

let api: ApiFixture;
let aBatchId: string;
/** A scenario job of A's (made with the inline threshold forced to 0). */
let aJobId: string;
/** A's webhook endpoint, one test delivery of it, and an endpoint made to be deleted by the next DELETE probe. */
let aWebhookId: string;
let aDeliveryId: string;
let aWebhookToDelete = 'wh_none';
/** A's suppliers as A sees them before B does anything. */
const aBefore = new Map<string, string>();

const call = (claims: Claims | null, o: Omit<ApiEventOptions, 'claims'>) => api.call({ ...o, claims });
const get = (claims: Claims | null, path: string, query?: Record<string, string>) =>
  call(claims, { method: 'GET', path, ...(query ? { query } : {}) });

async function putSync(claims: Claims, id: string, body: unknown, extra: Partial<ApiEventOptions> = {}) {
  const r = await call(claims, { method: 'PUT', path: `/v1/suppliers/${id}`, query: { sync: 'true' }, body, ...extra });
  return r;
}

/** The problem body with the requested id replaced, to compare the 404 of one id with that of another. */
const normalised = (r: ApiResponse, id: string) => ({
  status: r.status,
  contentType: r.headers['content-type'],
  body: r.text.split(id).join('{id}'),
});

async function expectUnchangedForA() {
  for (const [id, text] of aBefore) {
    const r = await get(A, `/v1/suppliers/${id}`);
    expect(r.status, id).toBe(200);
    expect(r.text, id).toBe(text);
  }
}

/** Every supplier B can page through, with limit 1 to cross every page boundary. */
async function allPages(claims: Claims, query: Record<string, string> = {}) {
  const ids: string[] = [];
  const texts: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await get(claims, '/v1/suppliers', { ...query, limit: '1', ...(cursor ? { cursor } : {}) });
    expect(r.status).toBe(200);
    texts.push(r.text);
    ids.push(...r.json.items.map((s: { supplier: { supplierId: string } }) => s.supplier.supplierId));
    cursor = r.json.cursor;
    if (!cursor) return { ids, texts };
  }
  throw new Error('the list did not end');
}

beforeAll(async () => {
  api = await startApi({ clientTenants: { 'svc-acme': 'acme', 'svc-globex': 'globex' } });
  for (const id of ['acme-1', 'acme-2', 'shared-1', 'shared-2', 'shared-3']) {
    const r = await putSync(A, id, aSupplier(id));
    expect(r.status, id).toBe(200);
  }
  const batch = await call(A, { method: 'POST', path: '/v1/batches', body: A_CSV, contentType: 'text/csv' });
  expect(batch.status).toBe(202);
  aBatchId = batch.json.batchId;
  const done = await api.runtime.waitForBatch('acme', aBatchId, { timeoutMs: 15_000 });
  expect(done).toMatchObject({ status: 'completed', rejected: 2 });
  expect((await putSync(B, 'globex-1', bSupplier('one'))).status).toBe(200);
  api.runtime.scenarios.inlineMaxSuppliers = 0;
  const job = await call(A, { method: 'POST', path: '/v1/scenarios', body: {} });
  delete api.runtime.scenarios.inlineMaxSuppliers;
  expect(job.status).toBe(202);
  aJobId = job.json.jobId;
  for (const id of ['acme-1', 'acme-2', 'shared-1', 'shared-2', 'shared-3', 'acme-b1', 'acme-b2'])
    aBefore.set(id, (await get(A, `/v1/suppliers/${id}`)).text);
  for (const text of aBefore.values()) expect(text).toContain(A_MARK);
  aWebhookId = await newWebhook();
  const test = await call(A_HOOKS, { method: 'POST', path: `/v1/webhooks/${aWebhookId}/test` });
  expect(test.status).toBe(202);
  aDeliveryId = test.json.deliveryId;
});

const A_HOOKS = claimsFor('acme', 'risk/webhooks');

async function newWebhook(): Promise<string> {
  const r = await call(A_HOOKS, {
    method: 'POST',
    path: '/v1/webhooks',
    body: { url: 'http://127.0.0.1:9/hooks', description: `${A_MARK} hook` },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.webhookId;
}

afterAll(async () => {
  await api?.stop();
});

describe('suppliers: B cannot read, change or delete A’s', () => {
  it('GET of A’s id answers B 404 — the same answer as for an id nobody has', async () => {
    for (const id of ['acme-1', 'acme-b1', 'shared-1']) {
      const fromB = await get(B, `/v1/suppliers/${id}`);
      expect(fromB.status).toBe(404);
      expect(fromB.text).not.toContain(A_MARK);
      expect(normalised(fromB, id)).toEqual(
        normalised(await get(B, '/v1/suppliers/nobody-has-this'), 'nobody-has-this'),
      );
      expect(fromB.text).toBe((await get(C, `/v1/suppliers/${id}`)).text);
      expect((await get(A, `/v1/suppliers/${id}`)).status).toBe(200);
    }
  });

  it('DELETE of A’s id answers B 404 and A’s supplier is still there, unchanged', async () => {
    const fromB = await call(B, { method: 'DELETE', path: '/v1/suppliers/acme-1' });
    expect(fromB.status).toBe(404);
    expect(normalised(fromB, 'acme-1')).toEqual(
      normalised(await call(B, { method: 'DELETE', path: '/v1/suppliers/nobody-has-this' }), 'nobody-has-this'),
    );
    expect((await call(ADMIN_B, { method: 'DELETE', path: '/v1/suppliers/acme-2' })).status).toBe(404);
    await expectUnchangedForA();
  });

  it('PUT ?sync=true of A’s id gives B its own supplier — no 409 from A’s newer version — and A’s is unchanged', async () => {
    api.setNow(1_000); // far older than A's version: a shared key would answer 409
    try {
      const r = await putSync(B, 'shared-1', bSupplier('shared'));
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(A_LEAK);
    } finally {
      api.setNow(null);
    }
    const mine = await get(B, '/v1/suppliers/shared-1');
    expect(mine.status).toBe(200);
    expect(mine.json.supplier).toMatchObject({
      supplierId: 'shared-1',
      supplierName: 'Globex shared',
      annualSpendUsd: 1_234,
    });
    expect(mine.json.inputVersion).toBe(1_000);
    await expectUnchangedForA();

    expect((await call(B, { method: 'DELETE', path: '/v1/suppliers/shared-1' })).status).toBe(204);
    expect((await get(B, '/v1/suppliers/shared-1')).status).toBe(404);
    await expectUnchangedForA();
  });

  it('a queued PUT (202) of A’s id is scored into B’s own supplier; A’s is unchanged', async () => {
    const r = await call(B, { method: 'PUT', path: '/v1/suppliers/shared-2', body: bSupplier('queued') });
    expect(r.status).toBe(202);
    const deadline = Date.now() + 15_000;
    let mine = await get(B, '/v1/suppliers/shared-2');
    while (mine.status === 404 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 50));
      mine = await get(B, '/v1/suppliers/shared-2');
    }
    expect(mine.status).toBe(200);
    expect(mine.json.supplier.supplierName).toBe('Globex queued');
    await expectUnchangedForA();
  });

  it('the body’s supplierId must be the path’s: B cannot aim a PUT at another id through the body', async () => {
    const r = await putSync(B, 'globex-9', { ...bSupplier('x'), supplierId: 'acme-1' });
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([expect.objectContaining({ path: 'supplierId' })]);
    expect((await get(B, '/v1/suppliers/globex-9')).status).toBe(404);
    await expectUnchangedForA();
  });
});

describe('lists and aggregates: B never sees A’s suppliers or spend', () => {
  it('B’s list, filtered or not, page by page, holds only B’s suppliers', async () => {
    const aIds = (await allPages(A)).ids;
    expect(aIds).toEqual(expect.arrayContaining(['acme-1', 'acme-b1', 'shared-1']));
    const queries: Record<string, string>[] = [
      {},
      { mineral: 'dysprosium' },
      { country: 'CN' },
      { band: 'critical' },
      { tenant: 'acme' },
    ];
    for (const query of queries) {
      const { ids, texts } = await allPages(B, query);
      for (const id of ids) expect(id.startsWith('acme-'), `${JSON.stringify(query)}: ${id}`).toBe(false);
      for (const text of texts) expect(text).not.toMatch(A_LEAK);
    }
    expect((await allPages(B)).ids).toContain('globex-1');
  });

  it('A’s cursor used by B pages B’s suppliers, not A’s', async () => {
    const first = await get(A, '/v1/suppliers', { limit: '1' });
    expect(first.json.cursor).toEqual(expect.any(String));
    const r = await get(B, '/v1/suppliers', { limit: '50', cursor: first.json.cursor });
    expect(r.status).toBe(200);
    expect(r.text).not.toMatch(A_LEAK);
  });

  it('B’s portfolio exposure counts only B’s suppliers and spend', async () => {
    const bIds = (await allPages(B)).ids;
    const bSpend = (
      await Promise.all(bIds.map(async (id) => (await get(B, `/v1/suppliers/${id}`)).json.supplier.annualSpendUsd))
    ).reduce((a: number, b: number) => a + b, 0);
    for (const groupBy of ['mineral', 'country', 'mineral,country']) {
      const r = await call(B, {
        method: 'GET',
        path: '/v1/portfolio/exposure',
        query: { groupBy, tenant: 'acme' },
        headers: { 'x-tenant': 'acme' },
      });
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(A_LEAK);
      expect(r.json.totals).toMatchObject({ suppliers: bIds.length, spendUsd: bSpend });
    }
    const fromA = await get(A, '/v1/portfolio/exposure');
    expect(fromA.json.totals.spendUsd).toBeGreaterThanOrEqual(A_SPEND * 7);
  });

  it('B’s upcoming changes list only B’s suppliers, page by page, whatever the query says', async () => {
    const pages = async (claims: Claims, query: Record<string, string>) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const r = await get(claims, '/v1/upcoming', { ...query, limit: '1', ...(cursor ? { cursor } : {}) });
        expect(r.status).toBe(200);
        if (claims !== A) expect(r.text).not.toMatch(A_LEAK);
        ids.push(...r.json.items.map((s: { supplierId: string }) => s.supplierId));
        cursor = r.json.cursor;
        if (!cursor) return ids;
      }
      throw new Error('the list did not end');
    };
    expect(await pages(A, { days: '730' })).toEqual(expect.arrayContaining(['acme-1', 'acme-b1']));
    const queries: Record<string, string>[] = [{ days: '90' }, { days: '730', tenant: 'acme' }];
    for (const query of queries) {
      const ids = await pages(B, query);
      for (const id of ids) expect(id.startsWith('acme-'), id).toBe(false);
    }
    expect(await pages(B, { days: '730' })).toContain('globex-1');
  });

  it('B’s scenario runs over B’s suppliers only', async () => {
    const body = {
      add: [{ country: 'CN', kind: 'export_ban', minerals: ['dysprosium', 'neodymium'], effectiveFrom: '2026-01-01' }],
    };
    const r = await call(B, { method: 'POST', path: '/v1/scenarios', body, headers: { 'x-tenant': 'acme' } });
    expect(r.status).toBe(200);
    expect(r.text).not.toMatch(A_LEAK);
    const ids = r.json.suppliers.map((s: { supplierId: string }) => s.supplierId).sort();
    expect(ids).toEqual((await allPages(B)).ids.sort());
    const fromA = await call(A, { method: 'POST', path: '/v1/scenarios', body });
    expect(fromA.text).toContain(A_MARK);
  });

  it('B cannot read A’s scenario job: 404, as for an id that never was', async () => {
    const deadline = Date.now() + 15_000;
    let mine = await get(A, `/v1/scenarios/${aJobId}`);
    while (mine.json.status === 'running' && Date.now() < deadline) mine = await get(A, `/v1/scenarios/${aJobId}`);
    expect(mine.json.status).toBe('completed');
    expect(JSON.stringify(mine.json.result)).toContain('acme-1');
    const fromB = await get(B, `/v1/scenarios/${aJobId}`);
    const never = await get(B, '/v1/scenarios/j-never');
    expect(fromB.status).toBe(404);
    expect(fromB.json.detail).toBe(never.json.detail);
  });
});

describe('batches: B cannot read A’s, nor tell that it exists', () => {
  it('A sees its batch and its rejected rows', async () => {
    const r = await get(A, `/v1/batches/${aBatchId}`);
    expect(r.status).toBe(200);
    expect(r.json.counts).toMatchObject({ rejected: 2 });
    const errors = await get(A, `/v1/batches/${aBatchId}/errors`);
    expect(errors.json.items).toHaveLength(2);
    expect(errors.text).toContain(A_MARK);
  });

  for (const suffix of ['', '/errors']) {
    it(`GET /v1/batches/{A's batch}${suffix} answers B 404, the same as for a batch that does not exist`, async () => {
      const never = `b${'0'.repeat(aBatchId.length - 1)}`;
      for (const claims of [B, ADMIN_B]) {
        const fromB = await get(claims, `/v1/batches/${aBatchId}${suffix}`);
        expect(fromB.status).toBe(404);
        expect(fromB.text).not.toMatch(/ACMESECRET|7777777/);
        expect(normalised(fromB, aBatchId)).toEqual(
          normalised(await get(claims, `/v1/batches/${never}${suffix}`), never),
        );
        expect(fromB.text).toBe((await get(C, `/v1/batches/${aBatchId}${suffix}`)).text);
        expect(Object.keys(fromB.headers).sort()).toEqual(
          Object.keys((await get(claims, `/v1/batches/${never}${suffix}`)).headers).sort(),
        );
      }
      const paged = await get(B, `/v1/batches/${aBatchId}/errors`, { limit: '1', cursor: '1' });
      expect(paged.status).toBe(404);
    });
  }

  it('B’s own batch is B’s: A cannot see it either, whatever B put in a header or the query', async () => {
    const r = await call(B, {
      method: 'POST',
      path: '/v1/batches',
      query: { tenant: 'acme' },
      headers: { 'x-tenant': 'acme' },
      body: 'supplier_id,mineral,origin_country\nglobex-b1,gallium,CN\n',
      contentType: 'text/csv',
    });
    expect(r.status).toBe(202);
    await api.runtime.waitForBatch('globex', r.json.batchId, { timeoutMs: 15_000 });
    expect((await get(B, `/v1/batches/${r.json.batchId}`)).status).toBe(200);
    expect((await get(A, `/v1/batches/${r.json.batchId}`)).status).toBe(404);
    expect((await get(A, '/v1/suppliers/globex-b1')).status).toBe(404);
    expect((await get(B, '/v1/suppliers/globex-b1')).status).toBe(200);
  });
});

describe('the tenant comes from the verified claims only', () => {
  it('an x-tenant header or a tenant query parameter is ignored: reads stay B’s, writes land in B', async () => {
    const spoof = { headers: { 'x-tenant': 'acme', tenant: 'acme' }, query: { tenant: 'acme' } };
    const read = await call(B, { method: 'GET', path: '/v1/suppliers/acme-1', ...spoof });
    expect(read.status).toBe(404);
    const write = await call(B, {
      method: 'PUT',
      path: '/v1/suppliers/spoof-1',
      body: bSupplier('spoof'),
      headers: spoof.headers,
      query: { ...spoof.query, sync: 'true' },
    });
    expect(write.status).toBe(200);
    expect((await get(B, '/v1/suppliers/spoof-1')).status).toBe(200);
    expect((await get(A, '/v1/suppliers/spoof-1')).status).toBe(404);
    const del = await call(B, { method: 'DELETE', path: '/v1/suppliers/acme-2', ...spoof });
    expect(del.status).toBe(404);
    await expectUnchangedForA();
  });

  it('a tenant field in a body is refused (400), and nothing is written', async () => {
    const cases: [string, Omit<ApiEventOptions, 'claims'>][] = [
      [
        'PUT',
        {
          method: 'PUT',
          path: '/v1/suppliers/body-1',
          query: { sync: 'true' },
          body: { ...bSupplier('b'), tenant: 'acme' },
        },
      ],
      [
        'score',
        {
          method: 'POST',
          path: '/v1/score',
          body: { suppliers: [{ supplierId: 's', ...bSupplier('s') }], tenant: 'acme' },
        },
      ],
      ['scenario', { method: 'POST', path: '/v1/scenarios', body: { tenant: 'acme' } }],
      ['batch', { method: 'POST', path: '/v1/batches', body: { upload: 'presigned', tenant: 'acme' } }],
    ];
    for (const [label, o] of cases) {
      const r = await call(B, o);
      expect(r.status, label).toBe(400);
      expect(r.headers['content-type'], label).toBe('application/problem+json');
    }
    expect((await get(B, '/v1/suppliers/body-1')).status).toBe(404);
    expect((await get(A, '/v1/suppliers/body-1')).status).toBe(404);
  });

  it('a machine client’s mapped client_id is its tenant', async () => {
    const machine = { client_id: 'svc-acme', scope: 'risk/read', sub: 'svc-acme' };
    const r = await get(machine, '/v1/suppliers/acme-1');
    expect(r.status).toBe(200);
    expect(r.text).toBe(aBefore.get('acme-1'));
    expect((await get({ client_id: 'svc-globex', scope: 'risk/read' }, '/v1/suppliers/acme-1')).status).toBe(404);
  });

  const scoped = (ROUTES as readonly RouteDef[]).filter((r) => r.scope !== null);

  it('an unmapped client_id, or a token naming no tenant, gets 403 on every scoped route', async () => {
    const tokens: Claims[] = [
      { client_id: 'svc-unknown', scope: 'risk/admin' },
      { client_id: '__proto__', scope: 'risk/admin' },
      { client_id: 'constructor', scope: 'risk/admin' },
      { sub: 'u-1', scope: 'risk/admin' },
      { sub: 'u-1', tenant: '', scope: 'risk/admin' },
    ];
    for (const route of scoped)
      for (const claims of tokens) {
        const r = await api.call({ ...request(route.id as RouteId), claims });
        expect(r.status, `${route.id} ${JSON.stringify(claims)}`).toBe(403);
        expect(r.headers['content-type']).toBe('application/problem+json');
      }
  });
});

/** One well-formed request per route, acting on A's data where the route takes an id. */
function request(id: RouteId, deleteTarget = 'acme-1'): Omit<ApiEventOptions, 'claims'> {
  const table: Record<RouteId, Omit<ApiEventOptions, 'claims'>> = {
    health: { method: 'GET', path: '/health' },
    openapi: { method: 'GET', path: '/openapi.json' },
    putSupplier: { method: 'PUT', path: '/v1/suppliers/auth-probe', query: { sync: 'true' }, body: bSupplier('probe') },
    getSupplier: { method: 'GET', path: '/v1/suppliers/acme-1' },
    deleteSupplier: { method: 'DELETE', path: `/v1/suppliers/${deleteTarget}` },
    listSuppliers: { method: 'GET', path: '/v1/suppliers' },
    score: { method: 'POST', path: '/v1/score', body: { suppliers: [{ supplierId: 's-1', ...bSupplier('s') }] } },
    createBatch: { method: 'POST', path: '/v1/batches', body: { upload: 'presigned' } },
    getBatch: { method: 'GET', path: `/v1/batches/${aBatchId}` },
    listBatchErrors: { method: 'GET', path: `/v1/batches/${aBatchId}/errors` },
    portfolioExposure: { method: 'GET', path: '/v1/portfolio/exposure' },
    scenario: { method: 'POST', path: '/v1/scenarios', body: { remove: [] } },
    getScenarioJob: { method: 'GET', path: `/v1/scenarios/${aJobId}` },
    upcoming: { method: 'GET', path: '/v1/upcoming' },
    listChanges: { method: 'GET', path: '/v1/changes' },
    supplierHistory: { method: 'GET', path: '/v1/suppliers/acme-1/history' },
    createWebhook: { method: 'POST', path: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/probe' } },
    listWebhooks: { method: 'GET', path: '/v1/webhooks' },
    getWebhook: { method: 'GET', path: `/v1/webhooks/${aWebhookId}` },
    deleteWebhook: { method: 'DELETE', path: `/v1/webhooks/${aWebhookToDelete}` },
    rotateWebhookSecret: { method: 'POST', path: `/v1/webhooks/${aWebhookId}/rotate-secret`, body: {} },
    testWebhook: { method: 'POST', path: `/v1/webhooks/${aWebhookId}/test` },
    listDeliveries: { method: 'GET', path: `/v1/webhooks/${aWebhookId}/deliveries` },
    getDelivery: { method: 'GET', path: `/v1/webhooks/${aWebhookId}/deliveries/${aDeliveryId}` },
    retryDelivery: { method: 'POST', path: `/v1/webhooks/${aWebhookId}/deliveries/${aDeliveryId}/retry` },
    referenceMinerals: { method: 'GET', path: '/v1/reference/minerals' },
    referenceCountries: { method: 'GET', path: '/v1/reference/countries' },
    referencePolicyEvents: { method: 'GET', path: '/v1/reference/policy-events' },
    putPolicyEvent: { method: 'PUT', path: `/v1/admin/policy-events/${PROBE_EVENT}`, body: probeEvent },
    withdrawPolicyEvent: { method: 'DELETE', path: `/v1/admin/policy-events/${PROBE_EVENT}`, body: probeWhy },
    dryRunPolicyEvent: { method: 'POST', path: `/v1/admin/policy-events/${PROBE_EVENT}/dry-run`, body: probeEvent },
    listPolicyEventRevisions: { method: 'GET', path: '/v1/admin/policy-events/CN-2025-FEB/revisions' },
    putAgreement: { method: 'PUT', path: `/v1/admin/agreements/${PROBE_AGREEMENT}`, body: probeAgreement },
    withdrawAgreement: { method: 'DELETE', path: `/v1/admin/agreements/${PROBE_AGREEMENT}`, body: probeWhy },
    dryRunAgreement: { method: 'POST', path: `/v1/admin/agreements/${PROBE_AGREEMENT}/dry-run`, body: probeAgreement },
    listAgreementRevisions: { method: 'GET', path: '/v1/admin/agreements/US-CA-2020-01/revisions' },
    listRescoreRuns: { method: 'GET', path: '/v1/admin/rescore-runs' },
    getRescoreRun: { method: 'GET', path: '/v1/admin/rescore-runs/no-such-run' },
  };
  return table[id];
}

/** Policy the operator probes write: a measure and an agreement no test supplier meets (Norway, Iceland, vanadium). */
const PROBE_EVENT = 'PROBE-IS-V';
const PROBE_AGREEMENT = 'PROBE-NO-IS';
const probeWhy = {
  reason: 'auth probe',
  source: 'test',
  sourceUrl: 'https://example.org/probe',
  sourceDate: '2026-11-01',
};
const probeEvent = {
  country: 'IS',
  instrument: 'probe',
  kind: 'export_licensing',
  minerals: ['vanadium'],
  announced: '2026-11-01',
  effectiveFrom: '2026-11-01',
  effectiveUntil: null,
  destination: { kind: 'country', country: 'NO' },
  ...probeWhy,
};
const probeAgreement = {
  buyerCountry: 'NO',
  partnerCountry: 'IS',
  title: 'probe',
  effectiveFrom: '2026-11-01',
  effectiveUntil: null,
  minerals: ['vanadium'],
  ...probeWhy,
};

describe('policy routes are for platform operators', () => {
  const operatorRoutes = (ROUTES as readonly RouteDef[]).filter((r) => r.operator);
  const P = claimsFor('platform', 'risk/admin');

  it('a tenant’s own risk/admin token gets 403 on each; the operator tenant without risk/admin too', async () => {
    expect(operatorRoutes.length).toBe(10);
    for (const route of operatorRoutes)
      for (const claims of [claimsFor('acme', 'risk/admin'), claimsFor('platform', 'risk/read risk/write')]) {
        const r = await api.call({ ...request(route.id as RouteId), claims });
        expect(r.status, `${route.id} ${JSON.stringify(claims)}`).toBe(403);
      }
  });

  it('an operator records, dry-runs, reads and withdraws, with an audit trail naming who', async () => {
    const call = (id: RouteId) => api.call({ ...request(id), claims: P });
    expect((await call('putPolicyEvent')).json).toMatchObject({
      created: true,
      etag: '"r1"',
      revision: { actor: 'user-of-platform' },
    });
    expect((await call('putAgreement')).json).toMatchObject({ created: true, etag: '"r2"' });
    expect((await call('dryRunPolicyEvent')).status).toBe(202);
    expect((await call('dryRunAgreement')).status).toBe(202);
    const revisions = await api.call({
      method: 'GET',
      path: `/v1/admin/policy-events/${PROBE_EVENT}/revisions`,
      claims: P,
    });
    expect(revisions.json).toMatchObject({ etag: '"r1"', revisions: [{ revision: 1, reason: 'auth probe' }] });
    expect((await call('withdrawPolicyEvent')).status).toBe(200);
    expect((await call('withdrawAgreement')).status).toBe(200);
    expect((await call('listRescoreRuns')).status).toBe(200);
    expect((await call('getRescoreRun')).status).toBe(404);
    expect((await call('listAgreementRevisions')).json).toMatchObject({
      inBaseline: true,
      etag: '"r0"',
      revisions: [],
    });
    await expectUnchangedForA();
  });
});

describe('auth on every scoped route', () => {
  const scoped = (ROUTES as readonly RouteDef[]).filter((r) => r.scope !== null);

  it('no authorizer context → 401 problem with WWW-Authenticate: Bearer', async () => {
    for (const route of scoped) {
      const r = await api.call({ ...request(route.id as RouteId), claims: null });
      expect(r.status, route.id).toBe(401);
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(r.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('a token without the route’s scope → 403; a token with no scope at all → 403', async () => {
    for (const route of scoped) {
      const other = route.scope === 'risk/read' ? 'risk/write' : 'risk/read';
      for (const scope of [other, '', 'risk/readwrite RISK/ADMIN']) {
        const r = await api.call({ ...request(route.id as RouteId), claims: claimsFor('acme', scope) });
        expect(r.status, `${route.id} with '${scope}'`).toBe(403);
        expect(r.json).toMatchObject({ status: 403, title: 'Forbidden' });
      }
    }
    await expectUnchangedForA();
  });

  it('risk/admin passes every scope; the route’s own scope passes it', async () => {
    for (const route of scoped.filter((r) => !r.operator)) {
      for (const scope of ['risk/admin', route.scope as string]) {
        if (route.id === 'deleteSupplier') expect((await putSync(A, 'acme-del', aSupplier('del'))).status).toBe(200);
        if (route.id === 'deleteWebhook') aWebhookToDelete = await newWebhook();
        const r = await api.call({ ...request(route.id as RouteId, 'acme-del'), claims: claimsFor('acme', scope) });
        expect(r.status, `${route.id} with ${scope}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
        expect(r.status, `${route.id} with ${scope}: ${r.text.slice(0, 200)}`).toBeLessThan(300);
      }
    }
  });
});
