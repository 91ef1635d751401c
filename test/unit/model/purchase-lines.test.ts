/**
 * Purchase lines by commodity code: a row or an API exposure that gives an HS code or product category instead of a
 * mineral expands into one line per mineral of its mapping entry, each carrying where it came from; it scores as the
 * same minerals declared of unknown origin would, and its drivers say which code and entry put them there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputRows } from '../../../shared/model/input-rows.ts';
import {
  MAX_EXPOSURES_PER_SUPPLIER,
  MAX_SUPPLIER_ID_LENGTH,
  MAX_SUPPLIER_NAME_LENGTH,
} from '../../../shared/model/limits.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import type { Exposure, SupplierInput } from '../../../shared/model/types.ts';
import { chunkMessages, scoreMessageSchema } from '../../../shared/queue/message.ts';
import { formatHsCode, hsMapping } from '../../../shared/reference/hs-codes.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { COLUMNS } from '../../../shared/supplier-list/header.ts';
import { readCsv, supplierRow, toCsv } from '../../helpers/supplier-csv.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const read = (rows: Parameters<typeof supplierRow>[0][]) =>
  readCsv(
    toCsv(
      rows.map((r) => supplierRow({ mineral: '', origin_country: '', processing_country: '', ...r })),
      { columns: COLUMNS },
    ),
  );
const MAGNETS = { kind: 'hs', code: '8505.11', entry: 'permanent-magnets' } as const;
const withoutProvenance = (s: SupplierInput): SupplierInput => ({
  ...s,
  exposures: s.exposures.map(({ inferredFrom: _, ...e }) => e),
});

describe('a CSV row with an HS code or product category', () => {
  it('expands into one line per mineral of the entry, unknown origin, each saying where it came from', async () => {
    const list = await read([{ supplier_id: 'S', hs_code: '8505.11' }]);
    expect(list.rejected).toEqual([]);
    expect(list.accepted).toBe(1);
    expect(list.suppliers[0]?.supplier.exposures).toEqual(
      ['neodymium', 'praseodymium', 'dysprosium', 'terbium'].map(
        (mineral): Exposure => ({
          mineral,
          originCountry: null,
          processingCountry: null,
          share: null,
          inferredFrom: MAGNETS,
        }),
      ),
    );
    expect(list.suppliers[0]?.rows).toEqual([1, 1, 1, 1]);
  });

  it('keeps a given origin, processing country and share on every line', async () => {
    const list = await read([
      { supplier_id: 'S', hs_code: '850511', origin_country: 'China', processing_country: 'JP', share: '60%' },
    ]);
    for (const e of list.suppliers[0]?.supplier.exposures ?? [])
      expect(e).toMatchObject({ originCountry: 'CN', processingCountry: 'JP', share: 0.6 });
  });

  it('a product category expands as its entry does', async () => {
    const list = await read([{ supplier_id: 'S', product_category: 'Li-ion batteries' }]);
    expect(list.suppliers[0]?.supplier.exposures.map((e) => [e.mineral, e.inferredFrom])).toEqual(
      ['lithium', 'cobalt', 'nickel', 'manganese', 'graphite'].map((m) => [
        m,
        { kind: 'category', code: 'lithium-ion', entry: 'lithium-ion' },
      ]),
    );
  });

  it('waste and scrap is recycled feed; a mine country as its origin is rejected', async () => {
    const list = await read([
      { supplier_id: 'S', hs_code: '7404' },
      { supplier_id: 'T', hs_code: '8105.30', origin_country: 'DR Congo' },
    ]);
    expect(list.suppliers[0]?.supplier.exposures).toEqual([
      {
        mineral: 'copper',
        originCountry: null,
        processingCountry: null,
        share: null,
        recycled: true,
        inferredFrom: { kind: 'hs', code: '7404', entry: 'copper-scrap' },
      },
    ]);
    expect(list.rejected).toEqual([
      {
        row: 2,
        field: 'origin_country',
        value: 'DR Congo',
        message:
          'HS 8105.30 is waste and scrap, so its lines are recycled feed: leave origin_country blank or write recycled (not CD)',
      },
    ]);
  });

  it('an unknown or malformed code, an unknown category, or two materials at once is a rejection naming them', async () => {
    const list = await read([
      { supplier_id: 'A', hs_code: '9999.99' },
      { supplier_id: 'B', hs_code: '85051' },
      { supplier_id: 'C', product_category: 'permanent magnetz' },
      { supplier_id: 'D', mineral: 'Dy', hs_code: '8505.11' },
      { supplier_id: 'E' },
    ]);
    expect(list.rejected.map((r) => [r.row, r.field, r.message])).toEqual([
      [1, 'hs_code', expect.stringMatching(/^hs_code 9999\.99 maps to no critical mineral/)],
      [2, 'hs_code', expect.stringMatching(/^hs_code '85051' is not an HS code/)],
      [3, 'product_category', "unknown product_category 'permanent magnetz'; did you mean 'permanent magnets'?"],
      [4, 'mineral', 'give one of mineral, hs_code or product_category, not several'],
      [5, 'mineral', 'mineral is required (or hs_code, or product_category)'],
    ]);
  });

  it('two codes carrying the same mineral are two lines; the same code twice is a duplicate', async () => {
    const list = await read([
      { supplier_id: 'S', hs_code: '8541' },
      { supplier_id: 'S', hs_code: '8542' },
      { supplier_id: 'S', hs_code: '8541.10' }, // another subheading: another purchase line
      { supplier_id: 'S', hs_code: '85 41' },
    ]);
    expect(list.rejected.map((r) => [r.row, r.message])).toEqual([
      [4, 'duplicate line: supplier S already has silicon from an unknown origin (inferred from HS 8541) on row 1'],
    ]);
    const s = list.suppliers[0]?.supplier as SupplierInput;
    expect(s.exposures.filter((e) => e.mineral === 'gallium')).toHaveLength(3);
    expect(inputRows(s)).toBe(3);
  });

  it('the spend of a supplier with several ledger rows follows the contract: one figure, repeated or given once', async () => {
    const list = await read([
      { supplier_id: 'S', hs_code: '8505.11', annual_spend_usd: '4200000' },
      { supplier_id: 'S', hs_code: '8501', annual_spend_usd: '4200000' },
      { supplier_id: 'S', hs_code: '8504', annual_spend_usd: '' },
      { supplier_id: 'S', hs_code: '8544', annual_spend_usd: '900000' },
    ]);
    expect(list.suppliers[0]?.supplier.annualSpendUsd).toBe(4_200_000);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([[4, 'annual_spend_usd']]);
  });
});

describe('an API exposure with hsCode or productCategory', () => {
  it('normalises to the same lines as the CSV row', async () => {
    const api = normaliseSupplier({
      supplierId: 'S',
      exposures: [{ hsCode: '8505.11' }, { productCategory: 'solar panels', originCountry: 'China' }],
    });
    // Only the supplier id, as in the API body: every other supplier field blank.
    const bare = { supplier_name: '', supplier_country: '', annual_spend_usd: '', tier: '' };
    const none = { ...bare, alternative_sources: '', inventory_days: '', supplier_id: 'S' };
    const csv = await read([
      { ...none, hs_code: '8505.11' },
      { ...none, product_category: 'solar panels', origin_country: 'China' },
    ]);
    expect(api.ok && api.input).toEqual(csv.suppliers[0]?.supplier);
  });

  it('holds the per-supplier line limit on the expanded lines', () => {
    const codes = hsMapping.flatMap((e) => e.codes.map((c) => ({ code: c, n: e.minerals.length })));
    const exposures: { hsCode: string; processingCountry: string }[] = [];
    let lines = 0;
    for (const p of ['CN', 'DE', 'JP', 'US', 'KR', 'MY', 'FI', 'AU']) {
      for (const { code, n } of codes) {
        if (lines > MAX_EXPOSURES_PER_SUPPLIER) break;
        exposures.push({ hsCode: code, processingCountry: p });
        lines += n;
      }
    }
    const r = normaliseSupplier({ supplierId: 'S', exposures });
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['exposures']);
  });

  it('the largest supplier the limits allow, all lines inferred and recycled, fits one queue message', () => {
    const longest = [...hsMapping].sort((a, b) => b.id.length - a.id.length)[0]?.id ?? '';
    const s = supplier({
      supplierId: '\uffff'.repeat(MAX_SUPPLIER_ID_LENGTH),
      supplierName: '\uffff'.repeat(MAX_SUPPLIER_NAME_LENGTH),
      exposures: Array.from({ length: MAX_EXPOSURES_PER_SUPPLIER }, (_, i) => ({
        mineral: 'platinum_group_metals',
        originCountry: null,
        processingCountry: 'CD',
        share: i === 0 ? 0.123456789012345 : 1e-9 * i,
        recycled: true as const,
        inferredFrom: { kind: 'category' as const, code: longest, entry: longest },
      })),
    });
    const base = { v: 1, kind: 'upsert', tenant: 't', batchId: 'b', asOf: null, buyerCountry: 'US' } as const;
    const messages = [...chunkMessages(base, [{ inputVersion: Number.MAX_SAFE_INTEGER, input: s }])];
    expect(messages).toHaveLength(1);
    // A supplier larger than a chunk goes alone; SQS takes at most 256 KiB.
    expect(Buffer.byteLength(messages[0]?.body ?? '', 'utf8')).toBeLessThan(256 * 1024);
    expect(scoreMessageSchema.parse(JSON.parse(messages[0]?.body ?? '')).suppliers[0]?.input).toEqual(s);
  });

  it('rejects an unknown code, a missing material and two at once, by path', () => {
    const r = normaliseSupplier({
      supplierId: 'S',
      exposures: [{ hsCode: '0101' }, {}, { mineral: 'Co', hsCode: '2605' }, { hsCode: '7602', originCountry: 'AU' }],
    });
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual([
      'exposures[0].hsCode',
      'exposures[1].mineral',
      'exposures[2]',
      'exposures[3].originCountry',
    ]);
  });
});

describe('scoring lines inferred from a code', () => {
  const scorer = createScorer(ref, context('2026-12-03'));

  it('scores as the same minerals declared of unknown origin (any entry, any origin)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...hsMapping), fc.constantFrom(null, 'CN', 'AU', 'recycled'), (entry, origin) => {
        const code = entry.codes[0];
        const raw = code
          ? { hsCode: formatHsCode(code), originCountry: origin }
          : { productCategory: entry.id, originCountry: origin };
        const inferred = normaliseSupplier({ supplierId: 'S', exposures: [raw] });
        if (entry.recycled && origin !== null && origin !== 'recycled') {
          expect(inferred.ok).toBe(false);
          return;
        }
        if (!inferred.ok) throw new Error(JSON.stringify(inferred.errors));
        const declared = normaliseSupplier({
          supplierId: 'S',
          exposures: entry.minerals.map((mineral) => ({
            mineral,
            originCountry: entry.recycled ? 'recycled' : origin,
          })),
        });
        if (!declared.ok) throw new Error(JSON.stringify(declared.errors));
        expect(withoutProvenance(inferred.input)).toEqual(declared.input);
        const a = scorer.score(inferred.input);
        const b = scorer.score(declared.input);
        expect(a.score).toBe(b.score);
        expect(a.minerals.map((m) => [m.mineral, m.score])).toEqual(b.minerals.map((m) => [m.mineral, m.score]));
      }),
      { numRuns: 200 },
    );
  });

  it('its drivers say which code and which entry, with the source', () => {
    const scored = scorer.score(
      supplier({
        exposures: ['neodymium', 'praseodymium', 'dysprosium', 'terbium'].map((mineral) => ({
          mineral,
          originCountry: null,
          processingCountry: null,
          share: null,
          inferredFrom: MAGNETS,
        })),
      }),
    );
    const top = scored.drivers[0];
    expect(top?.text).toMatch(
      /^inferred from HS 8505\.11 \(Permanent magnets of metal: Nd, Pr, Dy, Tb — USGS Mineral Commodity Summaries 2025, Rare earths/,
    );
    expect(top?.sources.some((s) => s.startsWith('USGS Mineral Commodity Summaries 2025, Rare earths'))).toBe(true);
    expect(scored.minerals[0]?.lines[0]?.inferredFrom).toEqual(MAGNETS);
  });
});
