import { describe, expect, it } from 'vitest';
import { COLUMNS, mapHeader } from '../../../shared/supplier-list/header.ts';
import { isRejection, MAX_SUPPLIER_ID_LENGTH, validateRow } from '../../../shared/supplier-list/row.ts';
import { acceptedRows, type CsvRow, readCsv, supplierRow, toCsv } from '../../helpers/supplier-csv.ts';

const header = mapHeader([...COLUMNS]);
const validate = (overrides: Partial<CsvRow>, row = 1) => {
  const r = supplierRow(overrides);
  return validateRow(
    COLUMNS.map((c) => r[c]),
    header,
    row,
    COLUMNS.length,
  );
};

describe('one row', () => {
  it('normalises a valid row: trimmed cells, ISO codes, mineral ids, numbers', () => {
    const r = validate({
      supplier_id: '  SUP-1 ',
      supplier_name: ' Nordmag ',
      supplier_country: 'Germany',
      annual_spend_usd: '$1,250,000',
      tier: '2',
      mineral: 'REE',
      origin_country: 'PRC',
      processing_country: 'Malaysia',
      share: '35%',
      alternative_sources: '3',
      inventory_days: '45',
    });
    expect(r).toEqual({
      row: 1,
      supplierId: 'SUP-1',
      fields: {
        supplierName: 'Nordmag',
        supplierCountry: 'DE',
        annualSpendUsd: 1_250_000,
        tier: 2,
        alternativeSources: 3,
        inventoryDays: 45,
      },
      exposure: { mineral: 'rare_earths', originCountry: 'CN', processingCountry: 'MY', share: 0.35 },
    });
  });

  it('leaves optional cells empty as null (defaults applied later)', () => {
    const r = validate({
      supplier_name: '',
      supplier_country: '',
      annual_spend_usd: '',
      tier: '',
      processing_country: '',
      share: '',
      alternative_sources: '',
      inventory_days: '',
    });
    expect(isRejection(r)).toBe(false);
    expect(r).toMatchObject({
      fields: {
        supplierName: null,
        supplierCountry: null,
        annualSpendUsd: null,
        tier: null,
        alternativeSources: null,
        inventoryDays: null,
      },
      exposure: { processingCountry: null, share: null },
    });
  });

  it.each([
    ['', ''],
    ['unknown', ''],
    [' Unknown ', 'not known'],
    ['N/A', 'world'],
    ['-', '?'],
  ])("reads origin '%s' and processing '%s' as unknown: the world mix, not a rejection", (origin, processing) => {
    const r = validate({ origin_country: origin, processing_country: processing });
    expect(isRejection(r)).toBe(false);
    expect(r).toMatchObject({ exposure: { originCountry: null, processingCountry: null } });
  });

  it("reads 'NA' as Namibia, not as 'n/a'", () => {
    expect(validate({ origin_country: 'NA' })).toMatchObject({ exposure: { originCountry: 'NA' } });
  });

  it.each([
    [{ supplier_id: ' ' }, 'supplier_id', '', 'supplier_id is required'],
    [{ supplier_id: 'ACME/EU' }, 'supplier_id', 'ACME/EU', "supplier_id must not contain '/'"],
    [{ mineral: '' }, 'mineral', '', 'mineral is required (or hs_code, or product_category)'],
    [{ mineral: 'unobtainium' }, 'mineral', 'unobtainium', "unknown mineral 'unobtainium'"],
    [
      { origin_country: 'Congo' },
      'origin_country',
      'Congo',
      "country 'Congo' is ambiguous: write 'CD' (DR Congo) or 'CG' (Republic of the Congo)",
    ],
    [{ processing_country: 'Atlantis' }, 'processing_country', 'Atlantis', "unknown country 'Atlantis'"],
    [{ supplier_country: 'Narnia' }, 'supplier_country', 'Narnia', "unknown country 'Narnia'"],
    [{ share: '1.5.0' }, 'share', '1.5.0', "share '1.5.0' is not a number (write 0.35 or 35%)"],
    [
      { annual_spend_usd: 'EUR 5000' },
      'annual_spend_usd',
      'EUR 5000',
      "annual_spend_usd 'EUR 5000' is not in US dollars",
    ],
    [{ tier: '0' }, 'tier', '0', "tier '0' is out of range: must be between 1 and 10"],
    [{ tier: '2.5' }, 'tier', '2.5', "tier '2.5' is not a whole number"],
    [
      { alternative_sources: '-1' },
      'alternative_sources',
      '-1',
      "alternative_sources '-1' is out of range: must be between 0 and 1000",
    ],
    [
      { inventory_days: '3651' },
      'inventory_days',
      '3651',
      "inventory_days '3651' is out of range: must be between 0 and 3650",
    ],
  ])('%j is rejected on %s', (overrides, field, value, message) => {
    expect(validate(overrides, 7)).toEqual({ row: 7, field, value, message });
  });

  it('rejects an over-long supplier id', () => {
    const r = validate({ supplier_id: 'x'.repeat(MAX_SUPPLIER_ID_LENGTH + 1) });
    expect(r).toMatchObject({
      field: 'supplier_id',
      message: `supplier_id is longer than ${MAX_SUPPLIER_ID_LENGTH} characters`,
    });
    expect(isRejection(validate({ supplier_id: 'x'.repeat(MAX_SUPPLIER_ID_LENGTH) }))).toBe(false);
  });

  it('names the first problem and lists the others in the message, so one pass fixes the row', () => {
    const r = validate({ mineral: 'dysprosim', origin_country: 'Austrlia', share: '140%' });
    expect(r).toMatchObject({ field: 'mineral', value: 'dysprosim' });
    expect(isRejection(r) && r.message).toBe(
      "unknown mineral 'dysprosim'; did you mean 'dysprosium'?; also origin_country: unknown country 'Austrlia'; " +
        "did you mean 'Australia' (AU)?; share: share '140%' is out of range: must be between 0 and 100%",
    );
  });
});

describe('checks across rows', () => {
  const read = (rows: Partial<CsvRow>[]) => readCsv(toCsv(rows.map((r) => supplierRow(r))));

  it('groups a supplier’s rows in first-seen order with the rows they came from', async () => {
    const list = await read([
      { supplier_id: 'B', mineral: 'Co', origin_country: 'CD' },
      { supplier_id: 'A', mineral: 'Li', origin_country: 'AU' },
      { supplier_id: 'B', mineral: 'Ni', origin_country: 'ID' },
    ]);
    expect(
      list.suppliers.map((s) => [s.supplier.supplierId, s.rows, s.supplier.exposures.map((e) => e.mineral)]),
    ).toEqual([
      ['B', [1, 3], ['cobalt', 'nickel']],
      ['A', [2], ['lithium']],
    ]);
  });

  it('shares of one supplier and mineral above 100%: the row that pushes the sum over is rejected, earlier rows stand', async () => {
    const list = await read([
      { supplier_id: 'S', mineral: 'Co', origin_country: 'CD', share: '60%' },
      { supplier_id: 'S', mineral: 'cobalt', origin_country: 'AU', share: '0.3' },
      { supplier_id: 'S', mineral: 'Ni', origin_country: 'ID', share: '90%' }, // another mineral: its own 100%
      { supplier_id: 'S', mineral: 'Co', origin_country: 'CA', share: '20' },
      { supplier_id: 'S', mineral: 'Co', origin_country: 'PH', share: '10%' }, // exactly 100% with rows 1–2
      { supplier_id: 'T', mineral: 'Co', origin_country: 'CA', share: '100%' }, // another supplier
    ]);
    expect(list.rejected).toEqual([
      {
        row: 4,
        field: 'share',
        value: '20%',
        message: 'shares of supplier S for cobalt would sum to 110% with row(s) 1, 2: above 100%',
      },
    ]);
    expect(acceptedRows(list)).toEqual([1, 2, 3, 5, 6]);
    expect(list.suppliers[0]?.supplier.exposures.filter((e) => e.mineral === 'cobalt').map((e) => e.share)).toEqual([
      0.6, 0.3, 0.1,
    ]);
  });

  it('fractions that sum to 100% with floating-point error are accepted', async () => {
    const list = await read(
      ['0.1', '0.2', '0.3', '0.4'].map((share, i) => ({
        supplier_id: 'S',
        origin_country: ['CD', 'AU', 'CA', 'PH'][i],
        share,
      })),
    );
    expect(list.rejected).toEqual([]);
  });

  it('a conflicting repeated supplier field rejects the later row; the same value in another spelling does not conflict', async () => {
    const list = await read([
      { supplier_id: 'S', supplier_country: 'DE', annual_spend_usd: '1250000', origin_country: 'CD' },
      { supplier_id: 'S', supplier_country: 'Germany', annual_spend_usd: '$1,250,000', origin_country: 'AU' },
      { supplier_id: 'S', supplier_country: 'DEU', annual_spend_usd: '', tier: '', origin_country: 'CA' }, // empty: no conflict
      { supplier_id: 'S', annual_spend_usd: 'USD 1 250 000', tier: '3', origin_country: 'PH' },
      { supplier_id: 'S', annual_spend_usd: '', inventory_days: '90', origin_country: 'ID' },
    ]);
    expect(list.rejected.map((r) => [r.row, r.field, r.value])).toEqual([
      [4, 'tier', '3'],
      [5, 'inventory_days', '90'],
    ]);
    expect(list.rejected[0]?.message).toBe("tier '3' conflicts with '1' given for supplier S on row 1");
    expect(acceptedRows(list)).toEqual([1, 2, 3]);
  });

  it('a supplier field first given on a later row is taken from there, and later rows must agree with it', async () => {
    const list = await read([
      { supplier_id: 'S', supplier_name: '', origin_country: 'CD' },
      { supplier_id: 'S', supplier_name: 'Late Name', origin_country: 'AU' },
      { supplier_id: 'S', supplier_name: 'Other Name', origin_country: 'CA' },
    ]);
    expect(list.suppliers[0]?.supplier.supplierName).toBe('Late Name');
    expect(list.rejected.map((r) => [r.row, r.message])).toEqual([
      [3, "supplier_name 'Other Name' conflicts with 'Late Name' given for supplier S on row 2"],
    ]);
  });

  it('a rejected row does not set the supplier fields that later rows are checked against', async () => {
    const list = await read([
      { supplier_id: 'S', supplier_name: 'Wrong', mineral: 'unobtainium' },
      { supplier_id: 'S', supplier_name: 'Right' },
    ]);
    expect(list.rejected.map((r) => [r.row, r.field])).toEqual([[1, 'mineral']]);
    expect(list.suppliers[0]?.supplier.supplierName).toBe('Right');
  });

  it('a duplicate line (same mineral, origin and processing country) is rejected', async () => {
    const list = await read([
      { supplier_id: 'S', mineral: 'Co', origin_country: 'CD', processing_country: 'CN' },
      { supplier_id: 'S', mineral: 'cobalt', origin_country: 'COD', processing_country: 'China' },
      { supplier_id: 'S', mineral: 'cobalt', origin_country: 'CD', processing_country: 'FI' }, // other processing: fine
    ]);
    expect(list.rejected).toEqual([
      {
        row: 2,
        field: 'origin_country',
        value: 'CD',
        message: 'duplicate line: supplier S already has cobalt from CD processed in CN on row 1',
      },
    ]);
  });

  it('reads origin `recycled` or `scrap` (any case) as a scrap-fed line; two of them with the same processing are a duplicate', async () => {
    const list = await read([
      { supplier_id: 'S', mineral: 'W', origin_country: 'Recycled', processing_country: 'DE' },
      { supplier_id: 'S', mineral: 'W', origin_country: 'unknown', processing_country: 'DE' }, // another line
      { supplier_id: 'S', mineral: 'tungsten', origin_country: 'SCRAP', processing_country: 'Germany' },
    ]);
    expect(list.suppliers[0]?.supplier.exposures).toEqual([
      { mineral: 'tungsten', originCountry: null, processingCountry: 'DE', share: null, recycled: true },
      { mineral: 'tungsten', originCountry: null, processingCountry: 'DE', share: null },
    ]);
    expect(list.rejected).toEqual([
      {
        row: 3,
        field: 'origin_country',
        value: 'recycled',
        message: 'duplicate line: supplier S already has tungsten from recycled feed processed in DE on row 1',
      },
    ]);
  });

  it('applies documented defaults: no alternative sources and no inventory when not given', async () => {
    const list = await read([
      { supplier_id: 'S', alternative_sources: '', inventory_days: '', tier: '', annual_spend_usd: '' },
    ]);
    expect(list.suppliers[0]?.supplier).toMatchObject({
      alternativeSources: 0,
      inventoryDays: 0,
      tier: null,
      annualSpendUsd: null,
    });
  });
});
