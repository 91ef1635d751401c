import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SupplierListFormatError } from '../../../shared/supplier-list/errors.ts';
import { COLUMNS } from '../../../shared/supplier-list/header.ts';
import { MAX_IGNORED_KEYS_LISTED, readSupplierListJson } from '../../../shared/supplier-list/json.ts';
import { type CsvRow, readCsv, supplierRow, toCsv } from '../../helpers/supplier-csv.ts';

describe('supplier list as a JSON array', () => {
  it('the same rows as sample.csv give the same suppliers, rows and exposures', async () => {
    const csv = readFileSync(new URL('../../../events/suppliers/sample.csv', import.meta.url));
    const objects = parse(csv, { columns: true }) as Record<string, string>[];
    const fromJson = readSupplierListJson(JSON.stringify(objects));
    const fromCsv = await readCsv(csv);
    expect(fromJson.rows).toBe(123);
    expect(fromJson.rejected).toEqual([]);
    expect(fromJson.suppliers).toEqual(fromCsv.suppliers);
  });

  it('accepts any header spelling, numbers and nulls, and a BOM', () => {
    const list = readSupplierListJson(
      `\uFEFF${JSON.stringify([
        {
          'Supplier ID': 'S1',
          mineral: 'Dy',
          originCountry: 'China',
          share: 0.6,
          annualSpendUsd: 1250000,
          tier: 1,
          note: 'x',
        },
        { 'Supplier ID': 'S1', mineral: 'Dy', originCountry: 'MM', share: 40, annualSpendUsd: null, tier: null },
      ])}`,
    );
    expect(list.rejected).toEqual([]);
    expect(list.ignoredColumns).toEqual(['note']);
    expect(list.suppliers[0]?.supplier).toMatchObject({ supplierId: 'S1', annualSpendUsd: 1250000, tier: 1 });
    expect(list.suppliers[0]?.supplier.exposures.map((e) => [e.originCountry, e.share])).toEqual([
      ['CN', 0.6],
      ['MM', 0.4],
    ]);
  });

  it('element i is data row i + 1; elements that are not rows are rejected, not dropped', () => {
    const list = readSupplierListJson(
      JSON.stringify([
        { supplier_id: 'A', mineral: 'Co', origin_country: 'CD' },
        'SUP-2,Co,CD',
        { supplier_id: 'C', mineral: 'Co', origin_country: 'Narnia' },
        {},
        [1, 2],
        null,
        { supplier_id: 'G', mineral: 'Co', origin_country: 'CD' },
      ]),
    );
    expect(list.rows).toBe(7);
    expect(list.accepted).toBe(2);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([
      [2, '(row)'],
      [3, 'origin_country'],
      [4, '(row)'],
      [5, '(row)'],
      [6, '(row)'],
    ]);
    expect(list.rejected[0]?.message).toBe('element 1 is not an object with the supplier-list fields');
    expect(list.rejected[2]?.message).toBe('element 3 has no supplier-list fields');
    expect(list.suppliers.map((s) => s.rows)).toEqual([[1], [7]]);
  });

  it('an empty array is an empty list, like a CSV file with only its header', () => {
    expect(readSupplierListJson('[]')).toMatchObject({ rows: 0, accepted: 0, rejected: [], suppliers: [] });
  });

  it.each([
    ['invalid JSON', '[{"supplier_id": "A",', /^not valid JSON/],
    ['an object, not an array', '{"supplier_id": "A"}', /must be an array/],
    ['an array without any object', '[1, "a", null]', /no object with supplier-list fields/],
    [
      'objects lacking a required field everywhere',
      '[{"supplier_id": "A", "mineral": "Co"}]',
      /missing required column\(s\): origin_country/,
    ],
    ['an empty text', '', /^not valid JSON/],
  ])('%s is a format error', (_, text, message) => {
    expect(() => readSupplierListJson(text)).toThrow(SupplierListFormatError);
    expect(() => readSupplierListJson(text)).toThrow(message);
  });

  it('objects that each bring keys of their own: every row read, unknown keys listed up to a cap and counted', () => {
    const n = 3000;
    const rows = Array.from({ length: n }, (_, i) => ({
      supplier_id: `S${i}`,
      mineral: 'Co',
      origin_country: 'CD',
      [`note_${i}`]: 'x',
    }));
    const list = readSupplierListJson(JSON.stringify(rows));
    expect(list.rows).toBe(n);
    expect(list.accepted).toBe(n);
    expect(list.ignoredColumns).toHaveLength(MAX_IGNORED_KEYS_LISTED + 1);
    expect(list.ignoredColumns.slice(0, 2)).toEqual(['note_0', 'note_1']);
    expect(list.ignoredColumns.at(-1)).toBe(`(${(n - MAX_IGNORED_KEYS_LISTED).toLocaleString('en-US')} more)`);
  });

  it('objects may spell a column differently; one object naming a column twice is rejected, alone', () => {
    const list = readSupplierListJson(
      JSON.stringify([
        { supplier_id: 'A', mineral: 'Co', origin_country: 'CD' },
        { supplierId: 'B', Mineral: 'Co', 'origin-country': 'CD' },
        { supplier_id: 'C', supplierId: 'D', mineral: 'Co', origin_country: 'CD' },
      ]),
    );
    expect(list.accepted).toBe(2);
    expect(list.suppliers.map((s) => s.supplier.supplierId)).toEqual(['A', 'B']);
    expect(list.rejected).toEqual([
      {
        row: 3,
        field: '(row)',
        value: '',
        message: "element 2 names column 'supplier_id' twice ('supplier_id' and 'supplierId')",
      },
    ]);
  });

  it('applies the upload limits as the CSV reader does: rows beyond maxRows fail the file, rejections kept up to N', () => {
    const bad = Array.from({ length: 30 }, (_, i) => ({
      supplier_id: `S${i}`,
      mineral: 'Co',
      origin_country: 'Narnia',
    }));
    const list = readSupplierListJson(JSON.stringify(bad), { keepRejections: 5 });
    expect(list.rejectedCount).toBe(30);
    expect(list.rejected).toHaveLength(5);
    expect(() => readSupplierListJson(JSON.stringify(bad), { maxRows: 29 })).toThrow(/more than 29 rows/);
  });

  it('stops with the abort reason once its signal aborts', () => {
    const reason = new Error('out of time');
    const signal = AbortSignal.abort(reason);
    expect(() =>
      readSupplierListJson('[{"supplier_id":"A","mineral":"Co","origin_country":"CD"}]', { signal }),
    ).toThrow(reason);
  });

  it('property: a JSON array reads as the CSV of the same rows, whatever the key spellings and extra keys', async () => {
    const spellings: Record<string, string[]> = Object.fromEntries(
      COLUMNS.map((c) => [c, [c, c.replace(/_(.)/g, (_, ch: string) => ch.toUpperCase()), c.replaceAll('_', ' ')]]),
    );
    const cellArb = fc.constantFrom('', 'S1', 'S2', 'Co', 'Dy', 'CN', 'CD', 'AU', 'Narnia', '0.4', '60%', '2', '-1');
    const rowArb = fc.record({
      // A supplier id on every row: an object of empty fields is a rejected row, but a CSV line of them is blank.
      cells: fc.record({
        ...Object.fromEntries(COLUMNS.map((c) => [c, fc.option(cellArb, { nil: undefined })])),
        supplier_id: fc.constantFrom('S1', 'S2', 'S3'),
      }) as fc.Arbitrary<Partial<CsvRow>>,
      spelling: fc.nat({ max: 2 }),
      extra: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 25 }), async (rows) => {
        const base = supplierRow({ supplier_id: 'S1', mineral: 'Co', origin_country: 'CD' });
        const complete = rows.map((r): CsvRow => {
          const row = { ...base };
          for (const c of COLUMNS) row[c] = r.cells[c] ?? '';
          return row;
        });
        const objects = rows.map((r, i) => {
          const o: Record<string, string> = {};
          // The first object names every column, so both files have the same readable header.
          if (i === 0) Object.assign(o, complete[0]);
          else for (const c of COLUMNS) if (r.cells[c] !== undefined) o[spellings[c]?.[r.spelling] ?? c] = r.cells[c];
          if (r.extra !== undefined) o[`x-${i}-${r.extra}`] = r.extra;
          return o;
        });
        const fromJson = readSupplierListJson(JSON.stringify(objects));
        const fromCsv = await readCsv(toCsv(complete, { columns: COLUMNS }));
        expect(fromJson.rows).toBe(fromCsv.rows);
        expect(fromJson.accepted).toBe(fromCsv.accepted);
        expect(fromJson.suppliers).toEqual(fromCsv.suppliers);
        expect(fromJson.rejected.map((r) => [r.row, r.field])).toEqual(fromCsv.rejected.map((r) => [r.row, r.field]));
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
