import { describe, expect, it } from 'vitest';
import { SupplierListFormatError } from '../../../shared/supplier-list/errors.ts';
import {
  COLUMNS,
  headerKey,
  MATERIAL_COLUMNS,
  mapHeader,
  REQUIRED_COLUMNS,
} from '../../../shared/supplier-list/header.ts';
import { detectDelimiter } from '../../../shared/supplier-list/read.ts';
import { readCsv, supplierRow, toCsv } from '../../helpers/supplier-csv.ts';

describe('header matching', () => {
  it.each([['supplier_id'], ['Supplier ID'], ['supplier-id'], ['supplierId'], ['SUPPLIER_ID'], ['  Supplier.Id  ']])(
    '%j names supplier_id',
    (cell) => {
      const h = mapHeader([cell, 'mineral', 'origin_country']);
      expect(h.index.supplier_id).toBe(0);
      expect(h.ignored).toEqual([]);
    },
  );

  it('maps every contract column written in title case with spaces, in any order', () => {
    const titled = COLUMNS.map((c) =>
      c.replace(/(^|_)([a-z])/g, (_, sep: string, ch: string) => `${sep ? ' ' : ''}${ch.toUpperCase()}`),
    );
    expect(titled[0]).toBe('Supplier Id');
    const reversed = [...titled].reverse();
    const h = mapHeader(reversed);
    COLUMNS.forEach((c, i) => {
      expect(h.index[c]).toBe(COLUMNS.length - 1 - i);
    });
  });

  it('leaves optional columns absent (-1) when the file lacks them', () => {
    const h = mapHeader(['mineral', 'supplierId', 'Origin Country']);
    expect(h.index).toMatchObject({ mineral: 0, supplier_id: 1, origin_country: 2, share: -1, tier: -1 });
  });

  it.each(REQUIRED_COLUMNS.map((c) => [c]))('a header without %s is a format error naming it', (missing) => {
    // A sourcing table (no hs_code or product_category column to stand in for the mineral).
    const cells = COLUMNS.filter((c) => c !== missing && !MATERIAL_COLUMNS.slice(1).includes(c));
    expect(() => mapHeader(cells)).toThrow(SupplierListFormatError);
    expect(() => mapHeader(cells)).toThrow(new RegExp(`missing required column\\(s\\): ${missing}$`));
  });

  it('a purchase ledger (hs_code or product_category, no mineral column) needs neither mineral nor origin_country', () => {
    expect(mapHeader(['Supplier', 'supplier_id', 'HS Code', 'annual_spend_usd']).index).toMatchObject({
      supplier_id: 1,
      hs_code: 2,
      mineral: -1,
      origin_country: -1,
    });
    expect(mapHeader(['supplier_id', 'product category']).index.product_category).toBe(1);
    // With a mineral column it is a sourcing table again: origin_country is required.
    expect(() => mapHeader(['supplier_id', 'hs_code', 'mineral'])).toThrow(
      /missing required column\(s\): origin_country$/,
    );
    expect(() => mapHeader(['supplier_id', 'annual_spend_usd'])).toThrow(
      /missing required column\(s\): mineral, origin_country$/,
    );
  });

  it('names every missing required column at once', () => {
    expect(() => mapHeader(['supplier_name', 'share'])).toThrow(
      'missing required column(s): supplier_id, mineral, origin_country',
    );
  });

  it('hints at the delimiter when the header is a single cell', () => {
    expect(() => mapHeader(['supplier_id:mineral:origin_country'])).toThrow(/is the delimiter a comma\?/);
  });

  it('rejects a column named twice, even in two spellings, with both positions', () => {
    expect(() => mapHeader(['supplier_id', 'mineral', 'origin_country', 'Supplier ID'])).toThrow(
      new SupplierListFormatError("header names column 'supplier_id' twice (columns 1 and 4)"),
    );
  });

  it('ignores and reports unknown columns, but not empty header cells', () => {
    const h = mapHeader(['supplier_id', 'Buyer Notes', 'mineral', '', 'origin_country', ' cost centre ']);
    expect(h.ignored).toEqual(['Buyer Notes', 'cost centre']);
    expect(h.index).toMatchObject({ supplier_id: 0, mineral: 2, origin_country: 4 });
  });

  it('headerKey drops case and every separator', () => {
    expect(headerKey('Annual Spend (USD)')).toBe('annualspendusd');
    expect(headerKey('annual_spend_usd')).toBe('annualspendusd');
  });
});

describe('delimiter detection', () => {
  it.each([
    [',', 'supplier_id,mineral,origin_country'],
    [';', 'supplier_id;mineral;origin_country'],
    ['\t', 'Supplier ID\tMineral\tOrigin Country'],
    ['|', 'supplierId|mineral|originCountry'],
    [';', 'Supplier, Inc. notes;supplier_id;mineral;origin_country'],
  ])('picks %j for %j', (d, header) => {
    expect(detectDelimiter(header)).toBe(d);
  });

  it('falls back to a comma when no delimiter yields a known column', () => {
    expect(detectDelimiter('a:b:c')).toBe(',');
  });
});

describe('headers in a file', () => {
  it('reads a file whose header uses mixed spellings, and reports unknown columns once', async () => {
    const header = ['Supplier ID', 'notes', 'Mineral', 'origin-country', 'Share'];
    const csv = toCsv(
      [
        { supplier_id: 'S1', mineral: 'Co', origin_country: 'CD', share: '60%' },
        { supplier_id: 'S1', mineral: 'Co', origin_country: 'AU', share: '40%' },
      ],
      { header, columns: ['supplier_id', 'supplier_name', 'mineral', 'origin_country', 'share'] },
    );
    const list = await readCsv(csv);
    expect(list.rejected).toEqual([]);
    expect(list.ignoredColumns).toEqual(['notes']);
    expect(list.suppliers[0]?.supplier.exposures.map((e) => [e.originCountry, e.share])).toEqual([
      ['CD', 0.6],
      ['AU', 0.4],
    ]);
    // the unknown column's content is not read as the supplier name
    expect(list.suppliers[0]?.supplier.supplierName).toBeNull();
  });

  it('a file missing a required column is a format error, not a list of rejections', async () => {
    const csv = toCsv([supplierRow()], { columns: ['supplier_id', 'mineral', 'share'] });
    await expect(readCsv(csv)).rejects.toThrow(
      new SupplierListFormatError('missing required column(s): origin_country'),
    );
  });

  it('a duplicate column is a format error', async () => {
    await expect(readCsv('supplier_id,mineral,origin_country,supplierId\nA,Co,CN,B\n')).rejects.toThrow(
      SupplierListFormatError,
    );
  });
});
