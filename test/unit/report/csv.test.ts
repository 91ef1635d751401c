import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../../shared/model/score.ts';
import type { ScoredSupplier } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { CSV_COLUMNS, csvCell, csvHeader, csvRow } from '../../../shared/report/csv.ts';

function scored(overrides: Partial<ScoredSupplier> = {}): ScoredSupplier {
  const scorer = createScorer(referenceData(), { asOf: '2026-11-28', buyerCountry: 'US', endUse: 'civil' });
  const s = scorer.score({
    supplierId: 'SUP-1',
    supplierName: 'Nordmag Magnetics GmbH',
    supplierCountry: 'DE',
    annualSpendUsd: 1_000_000,
    tier: 1,
    alternativeSources: 0,
    inventoryDays: 0,
    exposures: [{ mineral: 'dysprosium', originCountry: 'CN', processingCountry: 'CN', share: 1 }],
  });
  return { ...s, ...overrides };
}

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['=cmd|"/c calc"!A1,x', `"'=cmd|""/c calc""!A1,x"`],
  ])('neutralises the formula %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['Acme, Inc.', '"Acme, Inc."'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['a=b', 'a=b'],
    ['Société 北方', 'Société 北方'],
    ['', ''],
  ])('quotes %j only when needed', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers as they are (a negative number is data, not a formula) and null as empty', () => {
    expect(csvCell(42.5)).toBe('42.5');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('csvRow', () => {
  it('one row per supplier, with the header’s columns, that a CSV parser reads back', () => {
    const s = scored();
    const text = csvHeader() + csvRow(s);
    const [header, row, ...rest] = parse(text) as string[][];
    expect(rest).toEqual([]);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(row).toHaveLength(CSV_COLUMNS.length);
    const byColumn = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, row?.[i]]));
    expect(byColumn).toMatchObject({
      supplier_id: 'SUP-1',
      supplier_name: 'Nordmag Magnetics GmbH',
      score: String(s.score),
      band: s.band,
      worst_mineral: 'dysprosium',
      worst_origin: 'CN',
      worst_processing: 'CN',
      top_driver: s.drivers[0]?.text,
      as_of: '2026-11-28',
      buyer_country: 'US',
      model_version: s.modelVersion,
      data_version: s.dataVersion,
    });
  });

  it('no cell of a hostile supplier id or name starts a formula, and the row still parses to the same fields', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', '=A1,"x"\n=B2']) {
      const s = scored({ supplierId: hostile, supplierName: hostile });
      const [row] = parse(csvRow(s)) as string[][];
      expect(row?.[0]).toBe(`'${hostile}`);
      expect(row?.[1]).toBe(`'${hostile}`);
      for (const cell of row ?? []) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(row).toHaveLength(CSV_COLUMNS.length);
    }
  });

  it('a supplier without a name or processing country leaves those cells empty', () => {
    const s = scored({
      supplierName: null,
      worst: { mineral: 'cobalt', originCountry: 'CD', processingCountry: null },
    });
    const [row] = parse(csvRow(s)) as string[][];
    expect(row?.[1]).toBe('');
    expect(row?.[6]).toBe('');
  });
});
