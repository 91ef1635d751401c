import { describe, expect, it } from 'vitest';
import { createScorer, MODEL_VERSION } from '../../../shared/model/score.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { JsonResultWriter } from '../../../shared/report/json.ts';
import type { RunHeader } from '../../../shared/report/summary.ts';

const ref = referenceData();
const header: RunHeader = {
  asOf: '2026-11-28',
  buyerCountry: 'US',
  modelVersion: MODEL_VERSION,
  dataVersion: ref.dataVersion,
};
const scorer = createScorer(ref, { asOf: header.asOf, buyerCountry: 'US', endUse: 'civil' });
const supplier = (id: string, name: string | null) =>
  scorer.score({
    supplierId: id,
    supplierName: name,
    supplierCountry: null,
    annualSpendUsd: null,
    tier: null,
    alternativeSources: 0,
    inventoryDays: 0,
    exposures: [{ mineral: 'gallium', originCountry: 'CN', processingCountry: null, share: null }],
  });

function write(
  results: ReturnType<typeof supplier>[],
  rejected: { row: number; field: string; value: string; message: string }[],
) {
  const chunks: string[] = [];
  const w = new JsonResultWriter((c) => chunks.push(c));
  w.begin(header);
  for (const r of results) w.result(r);
  w.end(rejected, {
    rows: results.length + rejected.length,
    suppliers: results.length,
    scored: results.length,
    rejected: rejected.length,
  });
  return { text: chunks.join(''), chunks };
}

describe('JsonResultWriter', () => {
  it('writes the public contract shape, in that key order, that JSON.parse reads', () => {
    const rejected = [{ row: 2, field: 'mineral', value: 'dysprosim', message: "unknown mineral 'dysprosim'" }];
    const { text, chunks } = write([supplier('A', 'Ünïcödé "quoted"\nname'), supplier('B', null)], rejected);
    expect(chunks.length).toBeGreaterThan(3); // streamed, not one string
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      'asOf',
      'buyerCountry',
      'modelVersion',
      'dataVersion',
      'results',
      'rejected',
      'summary',
    ]);
    expect(doc).toMatchObject({ ...header, rejected, summary: { rows: 3, suppliers: 2, scored: 2, rejected: 1 } });
    expect(doc.summary.rows).toBe(doc.summary.scored + doc.summary.rejected);
    expect(doc.results.map((r: { supplierId: string }) => r.supplierId)).toEqual(['A', 'B']);
    expect(doc.results[0].supplierName).toBe('Ünïcödé "quoted"\nname');
    for (const r of doc.results) {
      expect(r).toMatchObject({
        asOf: '2026-11-28',
        buyerCountry: 'US',
        modelVersion: MODEL_VERSION,
        dataVersion: ref.dataVersion,
      });
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(['low', 'medium', 'high', 'critical']).toContain(r.band);
      expect(Array.isArray(r.minerals) && Array.isArray(r.drivers)).toBe(true);
    }
    for (const r of doc.rejected) expect(Object.keys(r).sort()).toEqual(['field', 'message', 'row', 'value']);
  });

  it('an empty run is still a valid document', () => {
    const doc = JSON.parse(write([], []).text);
    expect(doc.results).toEqual([]);
    expect(doc.rejected).toEqual([]);
    expect(doc.summary).toEqual({ rows: 0, suppliers: 0, scored: 0, rejected: 0 });
  });
});
