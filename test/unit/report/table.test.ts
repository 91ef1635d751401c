import { describe, expect, it } from 'vitest';
import { createScorer } from '../../../shared/model/score.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { renderTable, sortRows, type TableRow, tableRow } from '../../../shared/report/table.ts';

const header = { asOf: '2026-11-28', buyerCountry: 'US', modelVersion: '1.0.0', dataVersion: 'abc123' };
const row = (supplierId: string, score: number, band: TableRow['band'] = 'low'): TableRow => ({
  supplierId,
  supplierName: null,
  score,
  band,
  worst: '',
  driver: '',
});

describe('table report', () => {
  it('sorts by score, highest first, ties by supplier id', () => {
    const sorted = sortRows([row('B', 10), row('A', 50), row('C', 50), row('D', 90)]);
    expect(sorted.map((r) => r.supplierId)).toEqual(['D', 'A', 'C', 'B']);
  });

  it('ends with a summary line of counts, then the rejected rows', () => {
    const text = [
      ...renderTable(
        [row('A', 80, 'critical'), row('B', 60, 'high'), row('C', 10, 'low')],
        header,
        { rows: 5, suppliers: 3, scored: 4, rejected: 1 },
        [{ row: 3, field: 'mineral', value: 'x', message: "unknown mineral 'x'" }],
      ),
    ].join('');
    expect(text.startsWith('mineral-risk — as of 2026-11-28, buyer US, model 1.0.0, data abc123\n')).toBe(true);
    expect(text).toContain('\n5 rows: 4 scored, 1 rejected; 3 suppliers (1 critical, 1 high, 0 medium, 1 low)\n');
    expect(text.endsWith("\nRejected rows:\n  row 3, mineral: unknown mineral 'x'\n")).toBe(true);
  });

  it('keeps columns aligned: long ids and names are cut with an ellipsis', () => {
    const lines = [
      ...renderTable(
        [{ ...row('A-VERY-LONG-SUPPLIER-ID', 55.56, 'high'), supplierName: 'N'.repeat(40) }, row('B', 5)],
        header,
        { rows: 2, suppliers: 2, scored: 2, rejected: 0 },
        [],
      ),
    ]
      .join('')
      .split('\n');
    const [a, b] = lines.filter((l) => / (high|low) /.test(l));
    expect(a?.indexOf('55.6')).toBe(b?.indexOf(' 5.0'));
    expect(a).toContain('A-VERY-LONG…');
    expect(a).toContain(`${'N'.repeat(27)}…`);
  });

  it('tableRow names the worst mineral and origin country for a buyer to read', () => {
    const scorer = createScorer(referenceData(), { asOf: '2026-11-28', buyerCountry: 'US', endUse: 'civil' });
    const s = scorer.score({
      supplierId: 'S',
      supplierName: 'Acme',
      supplierCountry: null,
      annualSpendUsd: null,
      tier: null,
      alternativeSources: 0,
      inventoryDays: 0,
      exposures: [{ mineral: 'cobalt', originCountry: 'CD', processingCountry: 'CN', share: 1 }],
    });
    const r = tableRow(s);
    expect(r).toMatchObject({ supplierId: 'S', supplierName: 'Acme', score: s.score, band: s.band });
    expect(r.worst).toBe('cobalt / DR Congo → China');
    expect(r.driver).toBe(s.drivers[0]?.text);
  });
});
