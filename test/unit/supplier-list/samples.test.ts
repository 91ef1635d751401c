import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acceptedRows, readCsv } from '../../helpers/supplier-csv.ts';

const sample = (name: string) => readFileSync(new URL(`../../../events/suppliers/${name}`, import.meta.url));

describe('events/suppliers/sample.csv', () => {
  it('has 123 valid rows for 50 suppliers and no rejection', async () => {
    const list = await readCsv(sample('sample.csv'));
    expect(list.rejected).toEqual([]);
    expect(list.rows).toBe(123);
    expect(list.accepted).toBe(123);
    expect(list.suppliers).toHaveLength(50);
    expect(list.suppliers.map((s) => s.supplier.supplierId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `SUP-${String(i + 1).padStart(4, '0')}`),
    );
    expect(list.ignoredColumns).toEqual([]);
  });
});

describe('events/suppliers/sample-with-errors.csv (as its README lists)', () => {
  // row, field, a fragment of the message
  const expected: [number, string, RegExp][] = [
    [7, 'mineral', /unknown mineral 'dysprosim'; did you mean 'dysprosium'\?/],
    [12, 'origin_country', /unknown country 'Austrlia'; did you mean 'Australia' \(AU\)\?/],
    [13, 'share', /share '140%' is out of range/],
    [15, 'share', /shares of supplier SUP-1009 for nickel would sum to 130% with row\(s\) 14: above 100%/],
    [18, 'annual_spend_usd', /'-6250000' is negative/],
    [19, 'annual_spend_usd', /'lots' is not a number/],
    [22, 'supplier_id', /^supplier_id is required$/],
    [23, 'mineral', /^mineral is required \(or hs_code, or product_category\)$/],
    [25, 'origin_country', /^country 'Congo' is ambiguous/],
    [
      26,
      'supplier_name',
      /'Kestrel Alloys Limited' conflicts with 'Kestrel Alloys Ltd' given for supplier SUP-1015 on row 24/,
    ],
    [27, 'tier', /tier 'x' is not a whole number/],
    [29, 'inventory_days', /inventory_days '-5' is out of range/],
    [30, '(row)', /row has 12 field\(s\) but the header has 11/],
  ];

  it('rejects exactly the 13 listed rows, each for the listed field, and scores the 20 others', async () => {
    const list = await readCsv(sample('sample-with-errors.csv'));
    expect(list.rows).toBe(33);
    expect(list.accepted).toBe(20);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual(expected.map(([row, field]) => [row, field]));
    list.rejected.forEach((r, i) => {
      expect(r.message).toMatch((expected[i] as [number, string, RegExp])[2]);
    });
    expect(acceptedRows(list)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 14, 16, 17, 20, 21, 24, 28, 31, 32, 33]);
  });

  it('keeps the multi-line quoted name of row 8 as one value, and the rows that stand before a rejection', async () => {
    const list = await readCsv(sample('sample-with-errors.csv'));
    const byId = new Map(list.suppliers.map((s) => [s.supplier.supplierId, s]));
    expect(byId.get('SUP-1005')?.supplier.supplierName).toBe('Shenzhou Magnet Materials Co., Ltd.\nNingbo Branch');
    expect(byId.get('SUP-1005')?.rows).toEqual([8]);
    // row 14 stands; row 15 pushed the nickel shares over 100%
    expect(byId.get('SUP-1009')?.rows).toEqual([14]);
    expect(byId.get('SUP-1009')?.supplier.exposures).toEqual([
      { mineral: 'nickel', originCountry: 'ID', processingCountry: 'KR', share: 0.7 },
    ]);
    // row 24 stands; row 26 conflicts with it
    expect(byId.get('SUP-1015')?.rows).toEqual([24]);
    expect(byId.get('SUP-1015')?.supplier.supplierName).toBe('Kestrel Alloys Ltd');
    // rows 9–11 and 32 of SUP-1006 agree
    expect(byId.get('SUP-1006')?.rows).toEqual([9, 10, 11, 32]);
    // suppliers whose only row was rejected do not appear
    for (const id of [
      'SUP-1004',
      'SUP-1007',
      'SUP-1008',
      'SUP-1011',
      'SUP-1012',
      'SUP-1014',
      'SUP-1016',
      'SUP-1017',
      'SUP-1019',
      'SUP-1020',
    ])
      expect(byId.has(id), id).toBe(false);
    expect(list.suppliers).toHaveLength(12);
  });
});
