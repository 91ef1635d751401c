/**
 * Listing a tenant's suppliers from the sharded score index, against dynalite: pages merged across shards must follow
 * DynamoDB's own key order (UTF-8 bytes), or the cursor can step past suppliers that were never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScorer } from '../../shared/model/score.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { type Pipeline, startPipeline, supplierInput } from '../helpers/pipeline.ts';
import { context } from '../helpers/supplier-input.ts';

const tenant = 't-list';
// Equal scores, so the order is the ids': upper case sorts before lower case in bytes, not in locale order, and
// accented and non-Latin letters after both.
const IDS = ['a', 'Zed', 'b', 'Y', 'AA', 'zz', 'é', 'ä', 'Ωmega', 'mid', 'M', '0', '_x', 'ß', 'Ärger', 'e'];

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline();
  const scorer = createScorer(referenceData(), context('2026-03-01', 'US'));
  await p.store.putScored(
    tenant,
    'upsert',
    IDS.map((id) => {
      const input = supplierInput(id, [['gallium', 'CN', 'CN']]);
      return { inputVersion: 1, input, result: scorer.score(input), nextChangeDate: null, batchId: null };
    }),
  );
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

async function pageThrough(limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await p.store.listSuppliers(tenant, { limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((s) => s.input.supplierId));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return seen;
}

describe('listSuppliers across the index shards', () => {
  it('returns every supplier once, in byte order of the ids for equal scores', async () => {
    const all = await pageThrough(1000);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    expect(all).toEqual([...IDS].sort((a, b) => Buffer.compare(bytes(a), bytes(b))));
  });

  it.each([1, 2, 3, 5])('pages of %i give the same list as one page, skipping none', async (limit) => {
    expect(await pageThrough(limit)).toEqual(await pageThrough(1000));
  });
});

describe('listSuppliers with a filter', () => {
  const every = (n: number) => (s: { input: { supplierId: string } }) => IDS.indexOf(s.input.supplierId) % n === 0;

  async function pageFiltered(
    limit: number,
    filter: (s: { input: { supplierId: string } }) => boolean,
    maxExamined?: number,
  ): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await p.store.listSuppliers(tenant, {
        limit,
        filter,
        ...(maxExamined ? { maxExamined } : {}),
        ...(cursor ? { cursor } : {}),
      });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((s) => s.input.supplierId));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return { ids, pages };
  }

  it.each([1, 2, 4])('pages of %i matches give exactly the matches, in order, skipping none', async (limit) => {
    const all = await pageThrough(1000);
    const expected = all.filter((id) => IDS.indexOf(id) % 3 === 0);
    expect((await pageFiltered(limit, every(3))).ids).toEqual(expected);
  });

  it('reads at most maxExamined suppliers per page: a filter that matches nothing still walks the list in pages', async () => {
    const none = () => false;
    const first = await p.store.listSuppliers(tenant, { limit: 1, filter: none, maxExamined: 5 });
    expect(first.items).toEqual([]);
    expect(first.cursor).not.toBeNull();
    const { ids, pages } = await pageFiltered(1, none, 5);
    expect(ids).toEqual([]);
    expect(pages).toBe(Math.ceil(IDS.length / 5));
  });
});
