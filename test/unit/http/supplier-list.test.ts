/**
 * GET /v1/suppliers through an in-memory store: worst band first, by score within critical and high, by id within
 * medium and low; `band` is the store's own option (full pages, nothing examined outside the band), mineral and
 * country filter what is read.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ApiDeps, ApiRequest } from '../../../functions/api/deps.ts';
import { listSuppliers } from '../../../functions/api/routes/suppliers.ts';
import { LIST_MAX_EXAMINED } from '../../../shared/http/schemas.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { Band, SupplierInput } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { apiEvent } from '../../helpers/api-events.ts';
import { FakeSuppliers } from '../../helpers/fake-store.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const scorer = createScorer(ref, { asOf: '2026-11-10', buyerCountry: 'DE', endUse: 'civil' });
// Ids chosen so that id order is the reverse of score order in critical, high and medium.
const INPUTS: SupplierInput[] = (
  [
    ['A-GA', 'gallium', 'CN'],
    ['B-GR', 'graphite', 'CN'],
    ['C-DY', 'dysprosium', 'CN'],
    ['A-SB', 'antimony', 'CN'],
    ['B-NI', 'nickel', 'ID'],
    ['C-CO', 'cobalt', 'CD'],
    ['A-TA', 'tantalum', 'CD'],
    ['B-LI', 'lithium', 'CN'],
    ['C-CO2', 'cobalt', 'CN'],
    ['A-LI', 'lithium', 'AU'],
    ['B-CU', 'copper', 'CL'],
  ] as const
).map(([id, mineral, country]) => supplier({ supplierId: id, exposures: [line(mineral, country, country)] }));

async function setup() {
  const store = new FakeSuppliers();
  await store.putScored(
    'acme',
    'upsert',
    INPUTS.map((input) => ({
      inputVersion: 1,
      input,
      result: scorer.score(input),
      nextChangeDate: null,
      batchId: null,
    })),
  );
  const list = vi.spyOn(store, 'listSuppliers');
  const deps = { store, ref, policy: { store: { listRevisions: async () => [] } } } as unknown as ApiDeps;
  const get = async (query: Record<string, string>) => {
    const req = { event: apiEvent({ method: 'GET', path: '/v1/suppliers', query }), params: {}, tenant: 'acme' };
    const r = await listSuppliers(req as ApiRequest, deps);
    expect(r.statusCode).toBe(200);
    const body = JSON.parse(r.body) as {
      items: { supplier: { supplierId: string }; score: { score: number; band: Band } }[];
      cursor: string | null;
    };
    return { ...body, ids: body.items.map((i) => i.supplier.supplierId) };
  };
  return { get, list };
}

const RANK: Record<Band, number> = { critical: 0, high: 1, medium: 2, low: 3 };

describe('GET /v1/suppliers', () => {
  it('lists worst band first; by score, highest first, in critical and high; by id in medium and low', async () => {
    const { get } = await setup();
    const { items } = await get({ limit: '50' });
    expect(items).toHaveLength(INPUTS.length);
    // Every band is here, and some band's id order differs from its score order (the fixture means something).
    expect(new Set(items.map((i) => i.score.band))).toEqual(new Set(['critical', 'high', 'medium', 'low']));
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1] as (typeof items)[number];
      const b = items[i] as (typeof items)[number];
      expect(RANK[a.score.band]).toBeLessThanOrEqual(RANK[b.score.band]);
      if (a.score.band !== b.score.band) continue;
      if (RANK[a.score.band] <= RANK.high) expect(a.score.score).toBeGreaterThanOrEqual(b.score.score);
      else expect(a.supplier.supplierId < b.supplier.supplierId).toBe(true);
    }
    const medium = items.filter((i) => i.score.band === 'medium');
    expect(medium.map((i) => i.score.score)).not.toEqual(medium.map((i) => i.score.score).sort((x, y) => y - x));
  });

  it("band: the store's own option, so a page is full and nothing outside the band is examined", async () => {
    const { get, list } = await setup();
    const all = (await get({ limit: '50' })).items;
    for (const band of ['critical', 'high', 'medium', 'low'] as const) {
      list.mockClear();
      const first = await get({ band, limit: '2' });
      expect(list).toHaveBeenCalledWith('acme', expect.objectContaining({ band, limit: 2 }));
      expect(list.mock.calls[0]?.[1]).not.toHaveProperty('filter');
      expect(list.mock.calls[0]?.[1]).not.toHaveProperty('maxExamined');
      const inBand = all.filter((i) => i.score.band === band).map((i) => i.supplier.supplierId);
      expect(first.ids).toEqual(inBand.slice(0, 2));
      const rest = first.cursor ? await get({ band, limit: '50', cursor: first.cursor }) : { ids: [] };
      expect([...first.ids, ...rest.ids]).toEqual(inBand);
    }
  });

  it('mineral and country filter in memory within a band, bounded by LIST_MAX_EXAMINED', async () => {
    const { get, list } = await setup();
    const page = await get({ band: 'medium', mineral: 'lithium' });
    expect(page.ids).toEqual(['B-LI']);
    expect(list).toHaveBeenCalledWith(
      'acme',
      expect.objectContaining({ band: 'medium', maxExamined: LIST_MAX_EXAMINED, filter: expect.any(Function) }),
    );
    expect((await get({ country: 'CD' })).ids).toEqual(['C-CO', 'A-TA']);
  });
});
