/**
 * The supplier item's codec (issue 12): an item keeps the input and the score's summary, and a read recomputes the
 * full result from them; the same scored answer for any valid input, and about a kilobyte for a typical supplier.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSupplierList } from '../../../bench/generate.ts';
import { itemBytes } from '../../../bench/item-size.ts';
import { contributionOf } from '../../../shared/model/portfolio-contribution.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { recomputeScore, storedScoreOf } from '../../../shared/model/stored-score.ts';
import type { Exposure, ScoredSupplier, SupplierInput } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { NEW_IN_ATTRIBUTE } from '../../../shared/store/change-groups.ts';
import { changeGroupRef } from '../../../shared/store/keys.ts';
import type { ScoredWrite } from '../../../shared/store/port.ts';
import { contributionOfItem } from '../../../shared/store/portfolio-aggregates-contribution.ts';
import { changeClauses } from '../../../shared/store/supplier-changes.ts';
import { decodeInput, encodeInput, fromItem, holdsInput, toItem } from '../../../shared/store/supplier-items.ts';
import { readSupplierList } from '../../../shared/supplier-list/read.ts';
import { supplier } from '../../helpers/supplier-input.ts';
import { type TempDir, tempDir } from '../../helpers/temp.ts';

const ref = referenceData();
const MINERALS = [...ref.minerals.keys()];
const COUNTRIES = ['CN', 'AU', 'US', 'CD', 'ID', 'CL', 'MM', 'RU', 'ZA', 'CA', 'JP', 'DE', 'FJ', 'PE'];
const AT = '2026-11-10T08:00:00.000Z';

const text = fc.string({ maxLength: 40, unit: 'grapheme' });
const exposureArb: fc.Arbitrary<Exposure> = fc
  .record({
    mineral: fc.constantFrom(...MINERALS),
    originCountry: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
    processingCountry: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
    share: fc.option(fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }), { nil: null }),
    processor: fc.option(fc.option(text, { nil: null }), { nil: undefined }),
  })
  .map(({ processor, ...e }) => (processor === undefined ? e : { ...e, processor }));

const inputArb: fc.Arbitrary<SupplierInput> = fc.record({
  supplierId: fc.string({ minLength: 1, maxLength: 20 }),
  supplierName: fc.option(text, { nil: null }),
  supplierCountry: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
  annualSpendUsd: fc.option(fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }), { nil: null }),
  tier: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
  alternativeSources: fc.integer({ min: 0, max: 6 }),
  inventoryDays: fc.integer({ min: 0, max: 400 }),
  exposures: fc.array(exposureArb, { minLength: 1, maxLength: 8 }),
});
const contextArb = fc.record({
  asOf: fc.constantFrom('2024-06-01', '2025-10-15', '2026-11-10', '2027-03-01'),
  buyerCountry: fc.constantFrom('US', 'DE', 'JP'),
  endUse: fc.constant('civil' as const),
});

/**
 * The item as a write leaves it: the codec's attributes, the summary the change clauses set (the change's time is the
 * item's updatedAt) and, for an upload's write, where its first record is (a chunk's change group).
 */
function storedItem(tenant: string, write: ScoredWrite, prev?: ScoredSupplier): Record<string, unknown> {
  const change = changeClauses(write.result, { kind: 'api' }, AT).values;
  const prevChange = prev ? changeClauses(prev, { kind: 'api' }, AT).values : null;
  return {
    ...toItem(tenant, write, AT),
    summary: change[':summary'],
    prevSummary: prevChange ? prevChange[':summary'] : 'null',
    changeSeq: prev ? 2 : 1,
    changeCause: change[':changeCause'],
    ...(write.batchId
      ? { [NEW_IN_ATTRIBUTE]: changeGroupRef(write.batchId, 14_299, Date.parse('2026-12-03T10:00:00.000Z')) }
      : {}),
  };
}

describe('supplier item codec', () => {
  it('reads back the input exactly, and the same scored answer when recomputed (any valid input)', () => {
    fc.assert(
      fc.property(
        inputArb,
        contextArb,
        fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: null }),
        (input, ctx, batchId) => {
          const result = createScorer(ref, ctx).score(input);
          const write: ScoredWrite = { inputVersion: 7, input, result, nextChangeDate: '2027-01-01', batchId };
          const read = fromItem(structuredClone(storedItem('acme', write)));
          expect(read.input).toEqual(input);
          expect(read.summary).toEqual(storedScoreOf(result));
          expect(read).toMatchObject({ tenant: 'acme', supplierId: input.supplierId, inputVersion: 7, batchId });
          expect(holdsInput(storedItem('acme', write), input)).toBe(true);
          const again = recomputeScore(ref, read.input, read.summary);
          expect(again.recomputedWith).toBeNull();
          expect(again.result).toEqual(result);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the portfolio contribution; one written without it is recomputed from the input (any valid input)', () => {
    fc.assert(
      fc.property(inputArb, contextArb, (input, ctx) => {
        const result = createScorer(ref, ctx).score(input);
        const write: ScoredWrite = { inputVersion: 7, input, result, nextChangeDate: null, batchId: null };
        const item = storedItem('acme', write);
        expect(contributionOfItem(item)).toEqual(contributionOf(result));
        const { contribution: _, ...without } = item;
        expect(contributionOfItem(without, ref)).toEqual(contributionOf(result));
        expect(contributionOfItem(without)).toBeNull();
        expect(contributionOfItem({ ...item, deletedAt: AT })).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('tells a declared-null processor from an absent one, and another input from the stored one', () => {
    const base = { mineral: 'cobalt', originCountry: 'CD', processingCountry: 'CN', share: 0.5 };
    for (const e of [base, { ...base, processor: null }, { ...base, processor: 'Huayou Cobalt' }]) {
      const input = supplier({ supplierId: 'S-1', supplierName: null, tier: null, exposures: [e] });
      expect(decodeInput('S-1', encodeInput(input))).toEqual(input);
    }
    const item = { supplierId: 'S-1', i: encodeInput({ ...fromLines([base]) }) };
    expect(holdsInput(item, fromLines([{ ...base, share: 0.6 }]))).toBe(false);
  });
});

const fromLines = (exposures: Exposure[]): SupplierInput =>
  supplier({ supplierId: 'S-1', supplierCountry: 'CD', annualSpendUsd: 1_000_000, inventoryDays: 30, exposures });

describe('supplier item size', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir.remove());

  it('fits in one write unit (1 KiB) for typical suppliers, rescored ones (with a previous summary) too', async () => {
    const file = join(dir.path, 'suppliers.csv');
    await generateSupplierList(file, 2_000);
    const list = await readSupplierList(createReadStream(file));
    const scorer = createScorer(ref, { asOf: '2026-11-10', buyerCountry: 'US', endUse: 'civil' });
    const before = createScorer(ref, { asOf: '2025-10-15', buyerCountry: 'US', endUse: 'civil' });
    const sizes = list.suppliers.map(({ supplier }) => {
      const write: ScoredWrite = {
        inputVersion: Date.parse(AT),
        input: supplier,
        result: scorer.score(supplier),
        nextChangeDate: '2027-01-01',
        batchId: '2026-11-10-upload-acme',
      };
      const item = storedItem('acme-manufacturing', write, before.score(supplier));
      return { lines: supplier.exposures.length, bytes: itemBytes(marshall(item, { removeUndefinedValues: true })) };
    });
    const typical = sizes.filter((s) => s.lines <= 3);
    expect(typical.length / sizes.length).toBeGreaterThan(0.8);
    const over = typical.filter((s) => s.bytes > 1024);
    expect(over.length / typical.length).toBeLessThan(0.05);
    const median = [...sizes].sort((a, b) => a.bytes - b.bytes)[Math.floor(sizes.length / 2)];
    expect(median?.bytes).toBeLessThanOrEqual(1024);
  });
});
