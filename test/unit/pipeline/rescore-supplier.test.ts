/**
 * What a rescore run does with one stored supplier (pure): a scheduled run looks only at suppliers due by date or
 * scored by another model or release; a score that stands is not written (at most its next change date); another
 * model or release is written even where the score stands, saying why; a dry run writes nothing it need not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPolicyChange } from '../../../shared/model/policy.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { storedScoreOf } from '../../../shared/model/stored-score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { decide } from '../../../shared/pipeline/rescore-supplier.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import type { RescoreRun } from '../../../shared/store/rescore-port.ts';
import type { StoredSupplier } from '../../../shared/store/supplier-port.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const refs = { base: ref, target: ref, selected: undefined };
const SCORED_ON = '2026-11-10';

function stored(input: SupplierInput, asOf = SCORED_ON): StoredSupplier {
  const ctx = { asOf, buyerCountry: 'US', endUse: 'civil' as const };
  return {
    tenant: 'acme',
    supplierId: input.supplierId,
    inputVersion: 7,
    input,
    summary: storedScoreOf(createScorer(ref, ctx).score(input)),
    nextChangeDate: nextPolicyChange(
      ref,
      input.exposures.map((e) => e.mineral),
      ctx,
    ),
    batchId: 'b-1',
    updatedAt: `${asOf}T00:00:00.000Z`,
  };
}

const run = (o: Partial<Pick<RescoreRun, 'asOf' | 'dryRun' | 'scope' | 'cause'>> = {}) => ({
  asOf: SCORED_ON,
  dryRun: false,
  scope: null,
  cause: { kind: 'scheduled' as const },
  ...o,
});

const holmium = supplier({ supplierId: 'HO-1', exposures: [line('holmium', 'CN', 'CN')] });
const copper = supplier({ supplierId: 'CU-1', exposures: [line('copper', 'CL', 'CL')] });

describe('deciding one supplier of a rescore run', () => {
  it('a scheduled run skips a supplier neither due nor scored by another version', () => {
    const s = { ...stored(copper), nextChangeDate: '2099-01-01' };
    expect(decide(run(), s, refs)).toEqual({ kind: 'skipped' });
    expect(decide(run(), s, { ...refs, selected: false })).toEqual({ kind: 'skipped' });
  });

  it('a due supplier whose score stands is not written; only a moved next change date is', () => {
    const s = { ...stored(copper), nextChangeDate: SCORED_ON };
    const d = decide(run(), s, refs);
    expect(d).toMatchObject({ kind: 'unchanged', tenant: 'acme', supplierId: 'CU-1', inputVersion: 7 });
    const expected = nextPolicyChange(ref, ['copper'], { asOf: SCORED_ON, buyerCountry: 'US', endUse: 'civil' });
    expect(d.kind === 'unchanged' && d.nextChange).toBe(expected === SCORED_ON ? undefined : expected);
  });

  it('another model version is written even where the score stands, saying why, keeping input and upload', () => {
    const s = stored(holmium);
    const old = { ...s, summary: { ...s.summary, modelVersion: '0.9.0' } };
    const d = decide(run(), old, refs);
    expect(d).toMatchObject({ kind: 'changed', delta: 0, bandChanged: false });
    if (d.kind !== 'changed') return;
    expect(d.write).toMatchObject({ inputVersion: 7, batchId: 'b-1', cause: { kind: 'model' } });
    expect(d.write.input).toEqual(holmium);
    // A dry run counts only what would move: the same score is not a change there.
    expect(decide(run({ dryRun: true }), old, refs).kind).toBe('unchanged');
  });

  it('an item keyed in a former byScore format is rewritten where the score stands (re-keyed), once', () => {
    const s = { ...stored(copper), nextChangeDate: '2099-01-01' };
    // Neither due nor of another version: only its index key makes a scheduled run write it.
    expect(decide(run(), s, refs)).toEqual({ kind: 'skipped' });
    const keyedBefore: StoredSupplier = { ...s, indexKeyStale: true };
    const d = decide(run(), keyedBefore, refs);
    expect(d).toMatchObject({ kind: 'changed', delta: 0, bandChanged: false });
    if (d.kind !== 'changed') return;
    expect(d.write).toMatchObject({ inputVersion: 7, batchId: 'b-1' });
    expect(d.write.result.score).toBe(s.summary.score);
    // A dry run writes nothing, and a policy run leaves what it did not select (the daily run re-keys it).
    expect(decide(run({ dryRun: true }), keyedBefore, refs).kind).toBe('unchanged');
    expect(decide(run(), keyedBefore, { ...refs, selected: false })).toEqual({ kind: 'skipped' });
  });

  it("a policy run's write names its revisions", () => {
    const s = stored(holmium);
    const old = { ...s, summary: { ...s.summary, score: s.summary.score - 5 } };
    const cause = { kind: 'policy' as const, fromRevision: 3, toRevision: 4, eventIds: ['E-1'] };
    const d = decide(run({ cause }), old, { ...refs, selected: true });
    expect(d.kind === 'changed' && d.write.cause).toEqual({
      kind: 'policy',
      fromRevision: 3,
      toRevision: 4,
      eventIds: ['E-1'],
    });
  });

  it('property: a change is reported exactly when score or band moved or the versions are stale, with its delta', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), fc.boolean(), (shift, stale) => {
        const s = stored(holmium);
        const old: StoredSupplier = {
          ...s,
          nextChangeDate: SCORED_ON,
          summary: { ...s.summary, score: s.summary.score + shift, ...(stale ? { modelVersion: '0.9.0' } : {}) },
        };
        const d = decide(run(), old, refs);
        const moved = old.summary.score !== s.summary.score;
        expect(d.kind).toBe(moved || stale ? 'changed' : 'unchanged');
        if (d.kind === 'changed') expect(d.delta).toBe(Math.round((s.summary.score - old.summary.score) * 10) / 10);
      }),
    );
  });
});
