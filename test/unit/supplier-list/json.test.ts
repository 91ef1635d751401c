import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SupplierListFormatError } from '../../../shared/supplier-list/errors.ts';
import { readSupplierListJson } from '../../../shared/supplier-list/json.ts';
import { readCsv } from '../../helpers/supplier-csv.ts';

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
});
