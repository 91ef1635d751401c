import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPolicyChange, policyChangeDates } from '../../../shared/model/policy.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

describe('the next policy change date', () => {
  it('property: no score moves between a date and its next change date (so a rescore may wait for it)', () => {
    const ref = referenceData();
    const dates = policyChangeDates(ref);
    const minerals = [
      'gallium',
      'germanium',
      'antimony',
      'graphite',
      'cobalt',
      'dysprosium',
      'rare_earths',
      'tungsten',
      'lithium',
    ];
    const countries = ['CN', 'CD', 'AU', 'US', 'MM', 'ID'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ m: fc.constantFrom(...minerals), c: fc.constantFrom(...countries) }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.constantFrom('US', 'DE', 'JP'),
        fc.constantFrom(...dates, '2024-06-01', '2026-12-03'),
        (lines, buyer, asOf) => {
          const s = supplier({ exposures: lines.map((l) => line(l.m, l.c, null, null)) });
          const ctx = { asOf, buyerCountry: buyer, endUse: 'civil' as const };
          const next = nextPolicyChange(
            ref,
            s.exposures.map((e) => e.mineral),
            ctx,
          );
          const base = createScorer(ref, ctx).score(s).score;
          for (const d of dates)
            if (d > asOf && (next === null || d < next))
              expect(createScorer(ref, { ...ctx, asOf: d }).score(s).score, `${asOf} → ${d} (next ${next})`).toBe(base);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });
});
