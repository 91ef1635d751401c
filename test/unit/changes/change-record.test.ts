import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driverMoves, scoreChange } from '../../../shared/changes/change-record.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { Driver } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const galliumFromChina = supplier({
  supplierId: 'S-1',
  exposures: [line('gallium', 'CN', 'CN', 0.7), line('cobalt', 'CD', 'CN', 0.3)],
});
const scoreOn = (asOf: string, s = galliumFromChina) =>
  createScorer(ref, { asOf, buyerCountry: 'US', endUse: 'civil' }).score(s);
const base = {
  tenant: 'acme',
  supplierId: 'S-1',
  sequence: 3,
  at: '2026-12-03T10:00:00.000Z',
  cause: { kind: 'date' } as const,
};

describe('a score change record', () => {
  it('the suspension of Ann. 46 clause 2 lapsing raises a gallium supplier: before, after, delta, the drivers that moved', () => {
    const before = scoreOn('2026-11-27');
    const after = scoreOn('2026-11-28');
    const r = scoreChange({ ...base, before, after });
    expect(r).toMatchObject({
      changeId: 'S-1@3',
      before: { score: before.score, band: before.band },
      after: { score: after.score, band: after.band },
      delta: Math.round((after.score - before.score) * 10) / 10,
      dataVersion: ref.dataVersion,
    });
    expect(r?.delta).toBeGreaterThan(0);
    expect(r?.drivers.length).toBeGreaterThan(0);
    expect(r?.drivers[0]).toMatchObject({ mineral: 'gallium', country: 'CN' });
    expect(r?.drivers.every((d) => d.before !== d.after)).toBe(true);
  });

  it('a new supplier and a deleted one are changes; the same score again is not', () => {
    const s = scoreOn('2026-12-03');
    expect(scoreChange({ ...base, cause: { kind: 'upload', batchId: 'b-1' }, before: null, after: s })).toMatchObject({
      before: null,
      delta: null,
      drivers: s.drivers.map((d) => ({ before: null, after: d.points })),
    });
    expect(scoreChange({ ...base, cause: { kind: 'delete' }, before: s, after: null })).toMatchObject({ after: null });
    const nextDay: typeof s = { ...s, asOf: '2026-12-04' };
    expect(scoreChange({ ...base, before: s, after: nextDay })).toBeNull();
    expect(scoreChange({ ...base, before: null, after: null })).toBeNull();
  });

  it('property: the moves account for every point that moved, and nothing moves between equal lists', () => {
    const driver: fc.Arbitrary<Driver> = fc.record({
      points: fc.integer({ min: -50, max: 500 }).map((n) => n / 10),
      text: fc.constantFrom('a', 'b', 'c'),
      mineral: fc.constantFrom(null, 'gallium', 'cobalt'),
      country: fc.constantFrom(null, 'CN', 'CD'),
      sources: fc.constant(['s']),
    });
    const sum = (xs: readonly (number | null)[]) => Math.round(xs.reduce<number>((n, x) => n + (x ?? 0), 0) * 10);
    fc.assert(
      fc.property(fc.array(driver, { maxLength: 6 }), fc.array(driver, { maxLength: 6 }), (b, a) => {
        expect(driverMoves(a, a)).toEqual([]);
        const moves = driverMoves(b, a);
        // Drivers that stayed add the same points to both sides: the moves alone carry the whole difference.
        expect(sum(moves.map((m) => m.after)) - sum(moves.map((m) => m.before))).toBe(
          sum(a.map((d) => d.points)) - sum(b.map((d) => d.points)),
        );
        expect(moves.length).toBeLessThanOrEqual(b.length + a.length);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
