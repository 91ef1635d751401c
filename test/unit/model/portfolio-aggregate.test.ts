/**
 * The portfolio aggregate maintained incrementally: applying each write's delta (new contribution in, old one out)
 * in any order gives exactly the answer portfolioExposure computes from the suppliers left standing; the compact
 * contribution survives its round trip; and the fixed-point answer stays within rounding of a floating-point one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exposureOfAggregate, type GroupDimension, portfolioExposure } from '../../../shared/model/portfolio.ts';
import {
  type Aggregate,
  addAggregate,
  aggregateOf,
  contributionDelta,
  normalise,
} from '../../../shared/model/portfolio-aggregate.ts';
import {
  type Contribution,
  contributionOf,
  decodeContribution,
  encodeContribution,
} from '../../../shared/model/portfolio-contribution.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { Exposure, ScoredSupplier } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const scorer = createScorer(referenceData(), context('2026-12-01', 'DE'));
const MINERALS = ['gallium', 'cobalt', 'lithium', 'dysprosium', 'graphite', 'tungsten'];
const COUNTRIES = ['CN', 'AU', 'CD', 'CL', 'US', 'BR'];
const GROUPINGS: GroupDimension[][] = [[], ['mineral'], ['country'], ['mineral', 'country']];

/** One version of a supplier: lines whose stated shares per mineral sum to at most 1; spend may be null. */
const versionArb = (id: string): fc.Arbitrary<ScoredSupplier> =>
  fc
    .record({
      exposures: fc.array(
        fc.record({
          mineral: fc.constantFrom(...MINERALS),
          origin: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
          weight: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
        }),
        { minLength: 0, maxLength: 5 },
      ),
      // Whole cents, as money is written (the answer counts spend to the micro-dollar: a dust amount below it is none).
      spend: fc.option(
        fc.integer({ min: 0, max: 50_000_000_000 }).map((cents) => cents / 100),
        { nil: null },
      ),
      alternatives: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ exposures, spend, alternatives }) => {
      const totals = new Map<string, number>();
      for (const e of exposures) totals.set(e.mineral, (totals.get(e.mineral) ?? 0) + (e.weight ?? 0));
      const lines: Exposure[] = exposures.map((e) => ({
        mineral: e.mineral,
        originCountry: e.origin,
        processingCountry: null,
        share: e.weight === null ? null : e.weight / Math.max(totals.get(e.mineral) ?? 1, 100),
      }));
      return scorer.score(
        supplier({ supplierId: id, annualSpendUsd: spend, alternativeSources: alternatives, exposures: lines }),
      );
    });

/** Per supplier, the versions written in turn; null is a delete. */
const historiesArb = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.array(fc.option(versionArb(`S${i}`), { nil: null, freq: 4 }), { minLength: 1, maxLength: 4 }),
      ),
    ),
  );

const live = (histories: (ScoredSupplier | null)[][]) =>
  histories.map((h) => h[h.length - 1]).filter((s): s is ScoredSupplier => s !== null && s !== undefined);

/** Each write's delta: from the supplier's previous version (none before its first) to this one. */
function deltasOf(histories: (ScoredSupplier | null)[][]): Aggregate[] {
  const out: Aggregate[] = [];
  for (const h of histories) {
    let before: Contribution | null = null;
    for (const v of h) {
      const after = v ? contributionOf(v) : null;
      out.push(contributionDelta(before, after));
      before = after;
    }
  }
  return out;
}

/** `xs` permuted by sorting on the drawn keys. */
const permute = <T>(xs: readonly T[], keys: readonly number[]) =>
  xs
    .map((x, i) => ({ x, k: keys[i % keys.length] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((e) => e.x);

describe('portfolio aggregate', () => {
  it('applying every write’s delta, in any order, gives exactly the answer from the suppliers left standing', () => {
    fc.assert(
      fc.property(historiesArb, fc.array(fc.integer(), { minLength: 1, maxLength: 40 }), (histories, keys) => {
        const agg: Aggregate = new Map();
        for (const d of permute(deltasOf(histories), keys)) addAggregate(agg, d);
        const standing = live(histories);
        expect(normalise(agg)).toEqual(aggregateOf(standing.map(contributionOf)));
        for (const g of GROUPINGS) expect(exposureOfAggregate(agg, g)).toEqual(portfolioExposure(standing, g));
      }),
      { numRuns: 150 },
    );
  });

  it('a write that changes nothing the portfolio sees has an empty delta', () => {
    fc.assert(
      fc.property(versionArb('S'), (s) => {
        expect(contributionDelta(contributionOf(s), contributionOf(s)).size).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('removing every supplier leaves an empty aggregate and an empty answer', () => {
    fc.assert(
      fc.property(fc.array(versionArb('S'), { minLength: 1, maxLength: 4 }), (versions) => {
        const suppliers = versions.map((v, i) => ({ ...v, supplierId: `S${i}` }));
        const agg: Aggregate = new Map();
        for (const s of suppliers) addAggregate(agg, contributionDelta(null, contributionOf(s)));
        for (const s of suppliers) addAggregate(agg, contributionDelta(contributionOf(s), null));
        expect(normalise(agg).size).toBe(0);
        expect(exposureOfAggregate(agg, ['mineral'])).toEqual(portfolioExposure([], ['mineral']));
      }),
      { numRuns: 50 },
    );
  });

  it('the compact contribution decodes to the contribution it encodes', () => {
    fc.assert(
      fc.property(versionArb('S'), (s) => {
        const c = contributionOf(s);
        expect(decodeContribution(encodeContribution(c))).toEqual(c);
      }),
      { numRuns: 50 },
    );
  });

  it('the maximum score falls back to the next highest when its only supplier leaves', () => {
    fc.assert(
      fc.property(versionArb('A'), versionArb('B'), (a, b) => {
        const agg = aggregateOf([contributionOf(a), contributionOf(b)]);
        addAggregate(agg, contributionDelta(contributionOf(a), null));
        expect(exposureOfAggregate(agg, [])).toEqual(portfolioExposure([b], []));
      }),
      { numRuns: 50 },
    );
  });
});

/** The floating-point computation the fixed-point one replaced, for the whole-portfolio figures. */
function floatTotals(suppliers: readonly ScoredSupplier[]) {
  let spend = 0;
  let weighted = 0;
  let allocated = 0;
  for (const s of suppliers) {
    const x = s.annualSpendUsd !== null && s.annualSpendUsd > 0 ? s.annualSpendUsd : 0;
    spend += x;
    weighted += x * s.score;
    if (s.minerals.some((m) => m.lines.some((l) => l.share > 0))) allocated += x;
  }
  return { spend, score: spend > 0 ? weighted / spend : null, allocated };
}

describe('fixed point against floating point', () => {
  it('totals and allocated spend agree with a floating-point sum to the cent and the tenth', () => {
    fc.assert(
      fc.property(historiesArb, (histories) => {
        const standing = live(histories);
        const p = portfolioExposure(standing, []);
        const f = floatTotals(standing);
        expect(Math.abs(p.totals.spendUsd - f.spend)).toBeLessThanOrEqual(0.0051 + f.spend * 1e-12);
        if (f.score === null) expect(p.totals.spendWeightedScore).toBeNull();
        else expect(Math.abs((p.totals.spendWeightedScore ?? 0) - f.score)).toBeLessThanOrEqual(0.0501);
        const allocated = p.groups.reduce((a, g) => a + g.spendUsd, 0);
        expect(Math.abs(allocated - f.allocated)).toBeLessThanOrEqual(0.011 + f.allocated * 1e-12);
      }),
      { numRuns: 100 },
    );
  });
});
