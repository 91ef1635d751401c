/**
 * GET /v1/upcoming through the real API handler over the local runtime (dynalite, the local queue, the real score
 * function): stored suppliers with a known upcoming change in the shipped timeline (gallium from China for a US buyer:
 * the Ann. 46 clause-2 suspension lapses on 2026-11-28; holmium: Ann. 70 lapsed 2026-11-10; cobalt from the DR Congo:
 * the quotas end 2027-12-31), each projected score equal to a fresh scoring on its date, suppliers without a move
 * absent (a German buyer's gallium, lithium from Australia), pages bounded and complete, bad queries refused, tenants
 * apart, and a policy revision an operator records (a suspension ending in 30 days) showing up at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/deps.ts';
import { upcomingPage } from '../../functions/api/routes/upcoming.ts';
import * as out from '../../shared/http/upcoming-schemas.ts';
import { createScorer } from '../../shared/model/score.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import type { ReferenceData } from '../../shared/reference/index.ts';
import {
  type ApiFixture,
  apiEvent,
  type Claims,
  claimsFor,
  startApi,
  TODAY,
  toResponse,
} from '../helpers/api-events.ts';

const A = claimsFor('acme', 'risk/read risk/write');
const B = claimsFor('globex', 'risk/read risk/write');
const OPERATOR = claimsFor('platform', 'risk/admin');

let api: ApiFixture;

const get = (claims: Claims | null, query: Record<string, string> = {}) =>
  api.call({ method: 'GET', path: '/v1/upcoming', query, claims });

const supplier = (name: string, mineral: string, origin: string, processing: string | null = null) => ({
  supplierName: name,
  supplierCountry: 'DE',
  annualSpendUsd: 1_000_000,
  exposures: [{ mineral, originCountry: origin, processingCountry: processing, share: 1 }],
});

async function put(claims: Claims, id: string, body: unknown) {
  const r = await api.call({ method: 'PUT', path: `/v1/suppliers/${id}`, query: { sync: 'true' }, body, claims });
  expect(r.status, id).toBe(200);
}

/** The supplier as stored: its input and the buyer country it is scored for. */
async function stored(claims: Claims, id: string): Promise<{ input: SupplierInput; buyer: string }> {
  const r = await api.call({ method: 'GET', path: `/v1/suppliers/${id}`, claims });
  expect(r.status, id).toBe(200);
  return { input: r.json.supplier, buyer: r.json.score.buyerCountry };
}

const freshScore = (ref: ReferenceData, input: SupplierInput, asOf: string, buyerCountry: string) => {
  const s = createScorer(ref, { asOf, buyerCountry, endUse: 'civil' }).score(input);
  return { score: s.score, band: s.band };
};

/** Every item, page by page; each page parsed with its documented schema (and nothing stripped). */
async function allPages(claims: Claims, query: Record<string, string>) {
  const pages: ReturnType<typeof out.upcomingPage.parse>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await get(claims, { ...query, ...(cursor ? { cursor } : {}) });
    expect(r.status, r.text).toBe(200);
    const page = out.upcomingPage.parse(r.json);
    expect(page).toEqual(r.json);
    pages.push(page);
    cursor = page.cursor;
    if (!cursor) return { pages, items: pages.flatMap((p) => p.items) };
  }
  throw new Error('the list did not end');
}

beforeAll(async () => {
  api = await startApi();
  // The API scores a PUT for a US buyer.
  await put(A, 'GA-US', supplier('Gallium Works', 'gallium', 'CN'));
  await put(A, 'HO-US', supplier('Holmium Magnets', 'holmium', 'CN', 'CN'));
  await put(A, 'CO-US', supplier('Cobalt Cathodes', 'cobalt', 'CD'));
  await put(A, 'LI-US', supplier('Lithium Cells', 'lithium', 'AU', 'AU'));
  // A batch for a German buyer: the US-only suspension of Ann. 46 clause 2 never reaches it.
  const batch = await api.call({
    method: 'POST',
    path: '/v1/batches',
    query: { buyerCountry: 'DE' },
    body: 'supplier_id,supplier_name,mineral,origin_country,share\nGA-DE,Gallium GmbH,gallium,CN,1\n',
    contentType: 'text/csv',
    claims: A,
  });
  expect(batch.status).toBe(202);
  await api.runtime.waitForBatch('acme', batch.json.batchId, { timeoutMs: 15_000 });
  await put(B, 'GB-1', supplier('Globex Gallium', 'gallium', 'CN'));
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('GET /v1/upcoming on the shipped timeline', () => {
  it('answers the suppliers with a move in the next 90 days, by first date: the date, the cause, today and then', async () => {
    const ref = await api.runtime.policy.current.get();
    const r = await get(A);
    expect(r.status).toBe(200);
    const page = out.upcomingPage.parse(r.json);
    expect(page).toEqual(r.json);
    expect(page).toMatchObject({ asOf: TODAY, horizon: '2027-02-08', days: 90, dataVersion: ref.dataVersion });
    expect(page.cursor).toBeNull();
    expect(page.items.map((s) => s.supplierId)).toEqual(['HO-US', 'GA-US']);

    const ga = page.items[1];
    expect(ga).toMatchObject({
      supplierName: 'Gallium Works',
      buyerCountry: 'US',
      current: { score: 91.6, band: 'critical' },
      moves: [
        {
          date: '2026-11-28',
          causes: [{ id: 'CN-2024-46-C2-SUSP', kind: 'suspension', change: 'suspension_lapses' }],
          from: { score: 91.6, band: 'critical' },
          to: { score: 97.6, band: 'critical' },
          delta: 6,
        },
      ],
    });
    expect(page.items[0]?.moves).toMatchObject([
      { date: '2026-11-11', causes: [{ id: 'CN-2025-70' }], to: { band: 'critical' } },
    ]);
    // Each projection is a fresh scoring of the stored input on its date, for its stored buyer country.
    for (const item of page.items) {
      const { input, buyer } = await stored(A, item.supplierId);
      expect(item.buyerCountry).toBe(buyer);
      expect(item.current).toEqual(freshScore(ref, input, TODAY, buyer));
      for (const m of item.moves)
        expect(m.to, `${item.supplierId} ${m.date}`).toEqual(freshScore(ref, input, m.date, buyer));
    }
  });

  it('leaves out suppliers no date moves: the German buyer’s gallium, lithium from Australia; cobalt until its date is in the window', async () => {
    const near = (await allPages(A, {})).items.map((s) => s.supplierId);
    for (const id of ['GA-DE', 'LI-US', 'CO-US']) expect(near).not.toContain(id);
    expect((await stored(A, 'GA-DE')).buyer).toBe('DE');

    const far = await allPages(A, { days: '730' });
    expect(far.pages[0]).toMatchObject({ horizon: '2028-11-09', days: 730 });
    expect(far.items.map((s) => s.supplierId)).toEqual(['HO-US', 'GA-US', 'CO-US']);
    expect(far.items[2]?.moves).toMatchObject([
      { date: '2028-01-01', causes: [{ id: 'CD-2025-CO-QUOTA', change: 'expires' }], delta: -15 },
    ]);
    expect((await get(A, { days: '1' })).json.items.map((s: { supplierId: string }) => s.supplierId)).toEqual([
      'HO-US',
    ]);
  });

  it('pages with limit and cursor: every supplier once, none lost', async () => {
    const whole = (await allPages(A, { days: '730' })).items;
    const paged = await allPages(A, { days: '730', limit: '1' });
    for (const p of paged.pages) expect(p.items.length).toBeLessThanOrEqual(1);
    expect(paged.items.map((s) => s.supplierId).sort()).toEqual(whole.map((s) => s.supplierId).sort());
  });

  it('a page reads at most maxExamined stored suppliers: fewer items than limit, even none, and still a cursor', async () => {
    const deps = {
      store: api.runtime.store,
      ref: await api.runtime.policy.current.get(),
      today: () => TODAY,
    } as unknown as ApiDeps;
    const seen: string[] = [];
    let cursor: string | null = null;
    let empty = 0;
    let pages = 0;
    do {
      const query: Record<string, string> = { days: '730', limit: '50', ...(cursor ? { cursor } : {}) };
      const event = apiEvent({ method: 'GET', path: '/v1/upcoming', query, claims: A });
      const r = toResponse(await upcomingPage({ event, params: {}, tenant: 'acme', actor: 'test' }, deps, 1));
      expect(r.status).toBe(200);
      expect(r.json.examined).toBeLessThanOrEqual(1);
      if (r.json.items.length === 0) empty++;
      seen.push(...r.json.items.map((s: { supplierId: string }) => s.supplierId));
      cursor = r.json.cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(cursor).toBeNull();
    // Five suppliers stored, three with a move: each page read one, so some pages held none yet went on.
    expect(empty).toBeGreaterThan(0);
    expect(seen.sort()).toEqual(['CO-US', 'GA-US', 'HO-US']);
  });

  it('refuses a bad query with 400 and the parameter', async () => {
    const bad: [Record<string, string>, string][] = [
      [{ days: '0' }, 'query.days'],
      [{ days: '731' }, 'query.days'],
      [{ days: 'soon' }, 'query.days'],
      [{ days: '1.5' }, 'query.days'],
      [{ limit: '0' }, 'query.limit'],
      [{ limit: '501' }, 'query.limit'],
      [{ cursor: 'not a cursor' }, 'query.cursor'],
      [{ cursor: 'MDAwMA' }, 'query.cursor'],
    ];
    for (const [query, path] of bad) {
      const r = await get(A, query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.json.errors, JSON.stringify(query)).toEqual([expect.objectContaining({ path })]);
    }
  });

  it('needs risk/read: 401 without a token, 403 without the scope', async () => {
    expect((await get(null)).status).toBe(401);
    expect((await get(claimsFor('acme', 'risk/write'))).status).toBe(403);
  });
});

describe('tenants apart', () => {
  it('each tenant sees its own suppliers only, whatever cursor it sends', async () => {
    const a = await allPages(A, { days: '730' });
    const b = await allPages(B, { days: '730' });
    expect(b.items.map((s) => s.supplierId)).toEqual(['GB-1']);
    expect(a.items.map((s) => s.supplierId)).not.toContain('GB-1');
    const aCursor = (await get(A, { days: '730', limit: '1' })).json.cursor;
    expect(aCursor).toEqual(expect.any(String));
    const r = await get(B, { days: '730', cursor: aCursor, tenant: 'acme' });
    expect(r.status).toBe(200);
    for (const s of r.json.items) expect(s.supplierId).toBe('GB-1');
    expect(r.text).not.toMatch(/Gallium Works|Holmium|Cobalt Cathodes/);
  });
});

describe('the live timeline', () => {
  it('a suspension an operator records, ending in 30 days, shows at once: a move the day after its end, where the score moves', async () => {
    const revision = await api.call({
      method: 'PUT',
      path: '/v1/admin/policy-events/TEST-GA-SUSP',
      body: {
        country: 'CN',
        instrument: 'Test suspension of gallium licensing',
        kind: 'suspension',
        minerals: ['gallium'],
        announced: '2026-11-01',
        effectiveFrom: '2026-11-01',
        effectiveUntil: '2026-12-10',
        destination: { kind: 'all' },
        suspends: ['CN-2023-GA-GE'],
        reason: 'upcoming changes test',
        source: 'test',
        sourceUrl: 'https://example.org/test',
        sourceDate: '2026-11-01',
      },
      claims: OPERATOR,
    });
    expect(revision.status, revision.text).toBe(200);
    if (revision.json.run) await api.runtime.waitForRun(revision.json.run.runId, { timeoutMs: 30_000 });
    // The API trusts its timeline for 30 s (shared/policy/current-reference.ts): here, no waiting.
    const ref = await api.runtime.policy.current.get({ fresh: true });
    expect(ref.policyRevision).toBe(1);

    const page = out.upcomingPage.parse((await get(A)).json);
    expect(page.dataVersion).toBe(ref.dataVersion);
    const byId = new Map(page.items.map((s) => [s.supplierId, s]));
    const de = byId.get('GA-DE');
    expect(de?.moves).toMatchObject([
      {
        date: '2026-12-11',
        causes: [
          {
            type: 'policy-event',
            id: 'TEST-GA-SUSP',
            change: 'suspension_lapses',
            suspends: ['CN-2023-GA-GE'],
            text: expect.stringContaining('last day 2026-12-10'),
          },
        ],
      },
    ]);
    const { input } = await stored(A, 'GA-DE');
    expect(de?.current).toEqual(freshScore(ref, input, TODAY, 'DE'));
    expect(de?.moves[0]?.to).toEqual(freshScore(ref, input, '2026-12-11', 'DE'));
    expect(de?.moves[0]?.to.score).toBeGreaterThan(de?.current.score as number);
    // The US buyer's gallium: from 2026-11-28 the Ann. 46 ban stops the flow outright, so licensing coming back on
    // 2026-12-11 adds nothing to its score, and that date is no move for it.
    const us = await stored(A, 'GA-US');
    expect(freshScore(ref, us.input, '2026-12-11', 'US')).toEqual(freshScore(ref, us.input, '2026-12-10', 'US'));
    expect(byId.get('GA-US')?.moves.map((m) => [m.date, m.causes.map((c) => c.id)])).toEqual([
      ['2026-11-28', ['CN-2024-46-C2-SUSP']],
    ]);
    expect(byId.get('GA-US')?.current).toEqual(freshScore(ref, us.input, TODAY, 'US'));
    expect(page.items.map((s) => s.moves[0]?.date)).toEqual(page.items.map((s) => s.moves[0]?.date).sort());
  });
});
