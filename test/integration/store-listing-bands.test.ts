/**
 * The supplier list on the band-ordered `byScore` key (issue 12), against dynalite: worst band first, by score within
 * critical and high, by id within medium and low, across shards and bands in pages of any size; a band read from its
 * own keys; and, while items keyed in the former format (score then id) are still stored, the same order in critical
 * and high and, below, a band's re-keyed items then its former ones by score, until a rescore write re-keys them.
 */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { bandOf, createScorer } from '../../shared/model/score.ts';
import type { Band } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { compareKeyBytes, SUPPLIER_SK, supplierPk } from '../../shared/store/keys.ts';
import { encodeListCursor } from '../../shared/store/list-cursor.ts';
import type { ScoredWrite, StoredSupplier } from '../../shared/store/supplier-port.ts';
import { DynamoDbSupplierScan } from '../../shared/store/supplier-scan.ts';
import { line, supplier } from '../helpers/supplier-input.ts';

const tenant = 't-bands';
const scorer = createScorer(referenceData(), { asOf: '2026-12-01', buyerCountry: 'US', endUse: 'civil' });
const RANK: Record<Band, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const BANDS = ['critical', 'high', 'medium', 'low'] as const;

/** 64 suppliers over every band, some sharing a score; ids whose order is not their scores' in any band. */
const SUPPLIERS = Array.from({ length: 64 }, (_, i) => {
  const tenths = i % 9 === 0 ? 500 : (i * 347 + 13) % 1001;
  return { id: `${String.fromCharCode(65 + ((i * 7) % 26))}-${i}`, score: tenths / 10 };
});
const bandOfId = new Map(SUPPLIERS.map((s) => [s.id, bandOf(s.score)]));
const scoreOfId = new Map(SUPPLIERS.map((s) => [s.id, s.score]));

function write(s: { id: string; score: number }, asOf = '2026-12-01'): ScoredWrite {
  const input = supplier({ supplierId: s.id, exposures: [line('gallium', 'CN', 'CN')] });
  const result = { ...scorer.score(input), score: s.score, band: bandOf(s.score), asOf };
  return { inputVersion: 1, input, result, nextChangeDate: null, batchId: null };
}

/** The documented order: band, then score (highest first) in critical and high, then id (UTF-8 bytes). */
function listOrder(a: string, b: string): number {
  const ra = RANK[bandOfId.get(a) as Band];
  const rb = RANK[bandOfId.get(b) as Band];
  if (ra !== rb) return ra - rb;
  const sa = scoreOfId.get(a) as number;
  const sb = scoreOfId.get(b) as number;
  if (ra <= RANK.high && sa !== sb) return sb - sa;
  return compareKeyBytes(a, b);
}

let dynamo: LocalDynamo;
let store: DynamoDbSupplierStore;
let scan: DynamoDbSupplierScan;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'store-listing-bands-test' });
  store = new DynamoDbSupplierStore(dynamo.client, dynamo.tableName);
  scan = new DynamoDbSupplierScan(dynamo.client, dynamo.tableName);
  await store.putScored(
    tenant,
    'upsert',
    SUPPLIERS.map((s) => write(s)),
  );
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

async function pageThrough(limit: number, band?: Band, cursor?: string): Promise<string[]> {
  const seen: string[] = [];
  let next = cursor;
  do {
    const page = await store.listSuppliers(tenant, {
      limit,
      ...(band ? { band } : {}),
      ...(next ? { cursor: next } : {}),
    });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((s) => s.supplierId));
    next = page.cursor ?? undefined;
  } while (next);
  return seen;
}

async function scanAll(): Promise<StoredSupplier[]> {
  const out: StoredSupplier[] = [];
  let cursor: string | null = null;
  do {
    const page = await scan.scanSuppliers(0, 1, cursor, 100);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

const ALL = SUPPLIERS.map((s) => s.id).sort(listOrder);

describe('the band-ordered list', () => {
  it('the fixture spans every band, over several shards, and id order differs from score order below high', () => {
    expect(new Set(bandOfId.values())).toEqual(new Set(BANDS));
    const medium = ALL.filter((id) => bandOfId.get(id) === 'medium').map((id) => scoreOfId.get(id) as number);
    expect(medium).not.toEqual([...medium].sort((a, b) => b - a));
  });

  it.each([1000, 1, 3, 7])(
    'pages of %i list every supplier once, worst band first, in the documented order',
    async (limit) => {
      expect(await pageThrough(limit)).toEqual(ALL);
    },
  );

  it.each(BANDS)('band %s: only its suppliers, in the same order, in pages across shards', async (band) => {
    const expected = ALL.filter((id) => bandOfId.get(id) === band);
    expect(await pageThrough(1000, band)).toEqual(expected);
    expect(await pageThrough(2, band)).toEqual(expected);
  });

  it('a band is read from its own keys: examining as many suppliers as it holds reads all of it', async () => {
    const low = ALL.filter((id) => bandOfId.get(id) === 'low');
    const page = await store.listSuppliers(tenant, {
      band: 'low',
      limit: 1000,
      filter: () => true,
      maxExamined: low.length,
    });
    expect(page.items.map((s) => s.supplierId)).toEqual(low);
  });
});

describe('while items keyed in the former format are still stored', () => {
  const doc = () => DynamoDBDocumentClient.from(dynamo.client);
  /** Every third supplier, keyed as before the band-ordered key: {1000 − score×10}#{id}. */
  const FORMER = new Set(SUPPLIERS.filter((_, i) => i % 3 === 0).map((s) => s.id));
  const formerKey = (id: string) =>
    `${String(1000 - Math.round((scoreOfId.get(id) as number) * 10)).padStart(4, '0')}#${id}`;

  /** In critical and high the same order; below, a band's re-keyed suppliers (by id), then its former (by score). */
  function migratingOrder(a: string, b: string): number {
    const ra = RANK[bandOfId.get(a) as Band];
    const rb = RANK[bandOfId.get(b) as Band];
    if (ra !== rb || ra <= RANK.high) return listOrder(a, b);
    const fa = FORMER.has(a);
    const fb = FORMER.has(b);
    if (fa !== fb) return fa ? 1 : -1;
    if (!fa) return compareKeyBytes(a, b);
    return (scoreOfId.get(b) as number) - (scoreOfId.get(a) as number) || compareKeyBytes(a, b);
  }
  const MIGRATING = SUPPLIERS.map((s) => s.id).sort(migratingOrder);

  beforeAll(async () => {
    for (const id of FORMER)
      await doc().send(
        new UpdateCommand({
          TableName: dynamo.tableName,
          Key: { pk: supplierPk(tenant, id), sk: SUPPLIER_SK },
          UpdateExpression: 'SET gsi1sk = :k',
          ExpressionAttributeValues: { ':k': formerKey(id) },
        }),
      );
    // Some of them below high, where the interim order differs.
    expect([...FORMER].some((id) => bandOfId.get(id) === 'medium' || bandOfId.get(id) === 'low')).toBe(true);
  });

  it.each([1000, 1, 3, 7])('pages of %i list every supplier once, in the interim order', async (limit) => {
    expect(MIGRATING).not.toEqual(ALL);
    expect(await pageThrough(limit)).toEqual(MIGRATING);
  });

  it.each(BANDS)('band %s lists its suppliers of both formats', async (band) => {
    const expected = MIGRATING.filter((id) => bandOfId.get(id) === band);
    expect(await pageThrough(1000, band)).toEqual(expected);
    expect(await pageThrough(3, band)).toEqual(expected);
  });

  it('a cursor given out before the new key resumes after its supplier in high, at the top of its band below', async () => {
    const high = MIGRATING.filter((id) => bandOfId.get(id) === 'high');
    const at = high[1] as string;
    const resumed = await pageThrough(1000, undefined, encodeListCursor(formerKey(at)));
    expect(resumed).toEqual(MIGRATING.slice(MIGRATING.indexOf(at) + 1));
    const medium = MIGRATING.filter((id) => bandOfId.get(id) === 'medium');
    const fromMedium = await pageThrough(1000, undefined, encodeListCursor(formerKey(medium[2] as string)));
    expect(fromMedium).toEqual(MIGRATING.slice(MIGRATING.indexOf(medium[0] as string)));
  });

  it('the rescore scan sees which items hold a former key; a rescore write re-keys them', async () => {
    const scanned = await scanAll();
    expect(new Set(scanned.filter((s) => s.indexKeyStale).map((s) => s.supplierId))).toEqual(FORMER);
    expect((await store.getSupplier(tenant, [...FORMER][0] as string))?.indexKeyStale).toBe(true);
    // What a rescore run writes for them (rescore-supplier.ts `decide`): the same score, a later as-of date.
    const byId = new Map(SUPPLIERS.map((s) => [s.id, s]));
    const written = await store.putScored(
      tenant,
      'rescore',
      [...FORMER].map((id) => write(byId.get(id) as { id: string; score: number }, '2026-12-02')),
    );
    expect(written.stored).toBe(FORMER.size);
    expect((await scanAll()).filter((s) => s.indexKeyStale)).toEqual([]);
    expect(await pageThrough(5)).toEqual(ALL);
  });
});
