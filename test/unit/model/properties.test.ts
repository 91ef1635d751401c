/**
 * The model's invariants as properties (fast-check): bounded, deterministic, banded by the documented thresholds,
 * never diluted below the worst mineral, monotone in origin risk, in controls and in mitigants, time-aware.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandOf, combineMinerals, createScorer, PARAMS } from '../../../shared/model/score.ts';
import type { Exposure, ScoredSupplier, SupplierInput } from '../../../shared/model/types.ts';
import { buildReferenceData, referenceData } from '../../../shared/reference/index.ts';
import type { PolicyEvent } from '../../../shared/reference/types.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const MINERALS = [...ref.minerals.keys()];
// Producers, weak and strong governance, countries without WGI data, and ones with agreements.
const COUNTRIES = [
  'CN',
  'AU',
  'US',
  'CD',
  'ID',
  'CL',
  'MM',
  'RU',
  'ZA',
  'CA',
  'JP',
  'MY',
  'BR',
  'KZ',
  'MN',
  'DE',
  'FJ',
  'NC',
  'PE',
];
const BUYERS = ['US', 'DE', 'JP'];

const dateArb = fc
  .date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const exposureArb = (mineral?: string): fc.Arbitrary<Exposure> =>
  fc
    .record({
      mineral: mineral ? fc.constant(mineral) : fc.constantFrom(...MINERALS),
      // Unknown (null) origins too: the world mining mix must keep every property.
      originCountry: fc.option(fc.constantFrom(...COUNTRIES), { nil: null, freq: 4 }),
      processingCountry: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
      share: fc.constant<number | null>(null),
      // Scrap-fed lines too (no mining stage): every property must hold with them.
      recycled: fc.nat(5).map((n) => n === 0),
    })
    .map(({ recycled, ...e }): Exposure => (recycled ? { ...e, originCountry: null, recycled: true } : e));

/** A supplier whose stated shares per mineral sum to at most 1 (as validation guarantees). */
const supplierArb: fc.Arbitrary<SupplierInput> = fc
  .record({
    exposures: fc.array(exposureArb(), { minLength: 1, maxLength: 8 }),
    weights: fc.array(fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }), { minLength: 8, maxLength: 8 }),
    alternativeSources: fc.integer({ min: 0, max: 6 }),
    inventoryDays: fc.integer({ min: 0, max: 400 }),
  })
  .map(({ exposures, weights, alternativeSources, inventoryDays }) => {
    const byMineral = new Map<string, number>();
    exposures.forEach((e, i) => {
      byMineral.set(e.mineral, (byMineral.get(e.mineral) ?? 0) + (weights[i] ?? 0));
    });
    const withShares = exposures.map((e, i) => {
      const w = weights[i];
      const total = byMineral.get(e.mineral) ?? 1;
      return { ...e, share: w === null || w === undefined ? null : w / Math.max(total, 100) };
    });
    return supplier({ exposures: withShares, alternativeSources, inventoryDays });
  });

const scoreWith = (s: SupplierInput, asOf: string, buyer: string, data = ref): ScoredSupplier =>
  createScorer(data, context(asOf, buyer)).score(s);

describe('bounded, deterministic, banded', () => {
  it('every score is within 0–100 and its band follows the documented thresholds', () => {
    fc.assert(
      fc.property(supplierArb, dateArb, fc.constantFrom(...BUYERS), (s, asOf, buyer) => {
        const r = scoreWith(s, asOf, buyer);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(r.band).toBe(bandOf(r.score));
        for (const m of r.minerals) {
          expect(m.score).toBeGreaterThanOrEqual(0);
          expect(m.score).toBeLessThanOrEqual(100);
          const shareSum = m.lines.reduce((a, l) => a + l.share, 0);
          expect(shareSum).toBeCloseTo(1, 3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the same supplier, data and context give the same result, from fresh scorers', () => {
    fc.assert(
      fc.property(supplierArb, dateArb, fc.constantFrom(...BUYERS), (s, asOf, buyer) => {
        const fresh = buildReferenceData();
        expect(scoreWith(s, asOf, buyer, fresh)).toEqual(scoreWith(structuredClone(s), asOf, buyer));
      }),
      { numRuns: 50 },
    );
  });

  it('band thresholds are the documented ones', () => {
    expect(bandOf(PARAMS.bands.medium - 0.1)).toBe('low');
    expect(bandOf(PARAMS.bands.medium)).toBe('medium');
    expect(bandOf(PARAMS.bands.high)).toBe('high');
    expect(bandOf(PARAMS.bands.critical)).toBe('critical');
    expect(bandOf(100)).toBe('critical');
  });
});

describe('explained', () => {
  it("the drivers' points share out the supplier's score over its lines, mitigants included (all of it when there are at most three lines)", () => {
    fc.assert(
      fc.property(supplierArb, dateArb, fc.constantFrom(...BUYERS), (s, asOf, buyer) => {
        const r = scoreWith(s, asOf, buyer);
        const risk = r.drivers.filter((d) => d.mineral !== null).reduce((a, d) => a + d.points, 0);
        const mitigants = r.drivers.find((d) => d.mineral === null)?.points ?? 0;
        expect(mitigants).toBeLessThanOrEqual(0);
        const lines = r.minerals.reduce((n, m) => n + m.lines.length, 0);
        // Every figure is rounded to 0.1: the score, each mineral's score and each driver's points.
        const slack = 0.05 * (r.drivers.length + r.minerals.length + 2) + 1e-9;
        // Risk drivers are counted before mitigants: never more than the score the mitigants brought down.
        expect(risk).toBeLessThanOrEqual(r.score - mitigants + slack);
        const capped = r.minerals.some((m) => 100 * m.supplyRisk * m.vulnerability >= 100);
        if (lines <= 3 && !capped) expect(Math.abs(risk + mitigants - r.score)).toBeLessThanOrEqual(slack);
      }),
      { numRuns: 300 },
    );
  });
});

describe('not diluted', () => {
  it('a supplier scores at least its worst mineral', () => {
    fc.assert(
      fc.property(supplierArb, dateArb, (s, asOf) => {
        const r = scoreWith(s, asOf, 'US');
        const worst = Math.max(...r.minerals.map((m) => m.score));
        expect(r.score).toBeGreaterThanOrEqual(worst);
      }),
      { numRuns: 300 },
    );
  });

  it('adding benign lines of other minerals never lowers the score below the worst mineral before', () => {
    fc.assert(
      fc.property(supplierArb, fc.array(exposureArb(), { minLength: 1, maxLength: 4 }), dateArb, (s, extra, asOf) => {
        const before = scoreWith(s, asOf, 'US');
        const known = new Set(s.exposures.map((e) => e.mineral));
        const added = extra.filter((e) => !known.has(e.mineral));
        const after = scoreWith({ ...s, exposures: [...s.exposures, ...dedupe(added)] }, asOf, 'US');
        const worstBefore = Math.max(...before.minerals.map((m) => m.score));
        expect(after.score).toBeGreaterThanOrEqual(worstBefore);
      }),
      { numRuns: 200 },
    );
  });

  it('combining mineral scores is non-decreasing in every mineral score', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.nat(5),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (scores, at, bump) => {
          const i = at % scores.length;
          const raised = scores.map((s, j) => (j === i ? Math.min(100, s + bump) : s));
          expect(combineMinerals(raised)).toBeGreaterThanOrEqual(combineMinerals(scores) - 1e-9);
          expect(combineMinerals(scores)).toBeGreaterThanOrEqual(Math.max(...scores) - 1e-9);
        },
      ),
    );
  });
});

function dedupe(exposures: Exposure[]): Exposure[] {
  const seen = new Set<string>();
  return exposures.filter((e) => {
    const key = `${e.mineral}|${e.originCountry}|${e.processingCountry}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('monotone in origin risk', () => {
  it('moving share toward the higher-risk origin never lowers the score', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MINERALS),
        fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 1, max: 10 }),
        dateArb,
        fc.constantFrom(...BUYERS),
        (mineral, [a, b], pctA, step, asOf, buyer) => {
          const make = (shareA: number) =>
            supplier({
              exposures: [
                { mineral, originCountry: a as string, processingCountry: null, share: shareA / 100 },
                { mineral, originCountry: b as string, processingCountry: null, share: (100 - shareA) / 100 },
              ],
            });
          const base = scoreWith(make(pctA), asOf, buyer);
          const [lineA, lineB] = base.minerals[0]?.lines ?? [];
          if (!lineA || !lineB) throw new Error('expected two lines');
          // Move `step` points of share from the lower-risk line to the higher-risk one.
          const towardA = lineA.risk >= lineB.risk;
          const moved = towardA ? Math.min(100, pctA + step) : Math.max(0, pctA - step);
          const after = scoreWith(make(moved), asOf, buyer);
          expect(after.minerals[0]?.supplyRisk ?? 0).toBeGreaterThanOrEqual((base.minerals[0]?.supplyRisk ?? 0) - 1e-4);
          expect(after.score).toBeGreaterThanOrEqual(base.score - 0.1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('more qualified alternatives or more inventory never raise the score', () => {
    fc.assert(
      fc.property(
        supplierArb,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 120 }),
        (s, moreAlt, moreDays) => {
          const asOf = '2026-11-28';
          const before = scoreWith(s, asOf, 'US');
          const after = scoreWith(
            { ...s, alternativeSources: s.alternativeSources + moreAlt, inventoryDays: s.inventoryDays + moreDays },
            asOf,
            'US',
          );
          expect(after.score).toBeLessThanOrEqual(before.score);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A hypothetical control by `country` on `mineral`, for all buyers. */
const measureArb: fc.Arbitrary<PolicyEvent> = fc
  .record({
    country: fc.constantFrom(...COUNTRIES),
    mineral: fc.constantFrom(...MINERALS),
    kind: fc.constantFrom('export_licensing', 'export_quota', 'export_ban') as fc.Arbitrary<PolicyEvent['kind']>,
    from: dateArb,
    lengthDays: fc.option(fc.integer({ min: 1, max: 1500 }), { nil: null }),
    destination: fc.constantFrom<PolicyEvent['destination']>({ kind: 'all' }, { kind: 'country', country: 'US' }),
    // Stage-scoped measures too: each must keep every property.
    stage: fc.constantFrom<PolicyEvent['stage']>(undefined, 'all', 'mining', 'raw', 'processing'),
  })
  .map(({ country, mineral, kind, from, lengthDays, destination, stage }) => ({
    id: `TEST-${country}-${mineral}-${kind}`,
    country,
    instrument: 'hypothetical measure',
    kind,
    minerals: [mineral],
    announced: from,
    effectiveFrom: from,
    effectiveUntil: lengthDays === null ? null : addDays(from, lengthDays),
    destination,
    ...(stage ? { stage } : {}),
    source: 'test',
  }));

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

describe('monotone in controls', () => {
  it('adding a control never lowers any score', () => {
    fc.assert(
      fc.property(supplierArb, measureArb, dateArb, fc.constantFrom(...BUYERS), (s, measure, asOf, buyer) => {
        const withMeasure = buildReferenceData({ policyEvents: [...ref.policyEvents, measure] });
        const before = scoreWith(s, asOf, buyer);
        const after = scoreWith(s, asOf, buyer, withMeasure);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        before.minerals.forEach((m) => {
          const same = after.minerals.find((x) => x.mineral === m.mineral);
          expect(same?.supplyRisk ?? 0).toBeGreaterThanOrEqual(m.supplyRisk);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('time-aware', () => {
  // Countries and minerals with no measure in the embedded timeline, so the hypothetical one acts alone.
  const QUIET_COUNTRIES = ['AU', 'CL', 'ZA', 'CA', 'ID', 'BR', 'FJ'];

  it('a suspended control is latent: above no control, below the active control; it is active again once the suspension lapses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...QUIET_COUNTRIES),
        fc.constantFrom(...MINERALS),
        fc.constantFrom('export_licensing', 'export_quota', 'export_ban') as fc.Arbitrary<PolicyEvent['kind']>,
        fc.integer({ min: 20, max: 100 }),
        fc.integer({ min: 1, max: 3 }),
        (country, mineral, kind, sharePct, alternatives) => {
          const measure: PolicyEvent = {
            id: 'TEST-M',
            country,
            instrument: 'hypothetical measure',
            kind,
            minerals: [mineral],
            announced: '2030-01-01',
            effectiveFrom: '2030-01-01',
            effectiveUntil: null,
            destination: { kind: 'all' },
            source: 'test',
          };
          const suspension: PolicyEvent = {
            ...measure,
            id: 'TEST-S',
            kind: 'suspension',
            effectiveFrom: '2030-06-01',
            effectiveUntil: '2030-12-31',
            suspends: ['TEST-M'],
          };
          const none = ref;
          const withBoth = buildReferenceData({ policyEvents: [...ref.policyEvents, measure, suspension] });
          const withMeasureOnly = buildReferenceData({ policyEvents: [...ref.policyEvents, measure] });
          const s = supplier({
            alternativeSources: alternatives,
            exposures: [{ mineral, originCountry: country, processingCountry: country, share: sharePct / 100 }],
          });
          const risk = (data: typeof ref, asOf: string) =>
            createScorer(data, context(asOf, 'US')).score(s).minerals[0]?.supplyRisk ?? 0;
          const during = '2030-09-01';
          const after = '2031-01-01';
          expect(risk(withBoth, during)).toBeGreaterThan(risk(none, during));
          expect(risk(withBoth, during)).toBeLessThan(risk(withMeasureOnly, during));
          // Lapsed: exactly as if never suspended, with no change to code or data.
          expect(risk(withBoth, after)).toBe(risk(withMeasureOnly, after));
          expect(scoreWith(s, after, 'US', withBoth).score).toBe(scoreWith(s, after, 'US', withMeasureOnly).score);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('unknown origin', () => {
  /** One line of `mineral`, all of it, from `origin` (null = unknown) processed in `processing` (null = unknown). */
  const only = (mineral: string, origin: string | null, processing: string | null) =>
    supplier({ exposures: [{ mineral, originCountry: origin, processingCountry: processing, share: 1 }] });

  /** The world's producers at the mining stage, as fractions, and the unlisted rest (`ZZ`, the default country). */
  const worldMix = (mineral: string): [string, number][] => {
    const { shares, divisor } = ref.stageShares(mineral, 'mining');
    const mix: [string, number][] = shares.map((s) => [s.country, s.sharePct / divisor]);
    const listed = mix.reduce((sum, [, f]) => sum + f, 0);
    if (listed < 1 - 1e-9) mix.push(['ZZ', 1 - listed]);
    return mix;
  };

  it("scores its mining stage as the share-weighted world mix of the producers' own mining stages", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MINERALS),
        fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
        dateArb,
        fc.constantFrom(...BUYERS),
        (mineral, processing, asOf, buyer) => {
          const scorer = createScorer(ref, context(asOf, buyer));
          const unknown = scorer.score(only(mineral, null, processing)).minerals[0]?.lines[0];
          let expected = 0;
          for (const [country, f] of worldMix(mineral))
            expected +=
              f * (scorer.score(only(mineral, country, processing)).minerals[0]?.lines[0]?.stages[0]?.risk ?? 0);
          expect(unknown?.originCountry).toBe('WORLD');
          expect(unknown?.stages[0]?.country).toBe('WORLD');
          expect(unknown?.stages[0]?.risk).toBeCloseTo(expected, 3);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never scores below the world mix's least risky producer's line nor above the riskiest", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MINERALS),
        fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
        dateArb,
        fc.constantFrom(...BUYERS),
        (mineral, processing, asOf, buyer) => {
          const scorer = createScorer(ref, context(asOf, buyer));
          const unknown = scorer.score(only(mineral, null, processing));
          const producers = worldMix(mineral).map(([country]) => scorer.score(only(mineral, country, processing)));
          const risks = producers.map((p) => p.minerals[0]?.supplyRisk ?? 0);
          const scores = producers.map((p) => p.score);
          expect(unknown.minerals[0]?.supplyRisk).toBeGreaterThanOrEqual(Math.min(...risks));
          expect(unknown.minerals[0]?.supplyRisk).toBeLessThanOrEqual(Math.max(...risks));
          expect(unknown.score).toBeGreaterThanOrEqual(Math.min(...scores));
          expect(unknown.score).toBeLessThanOrEqual(Math.max(...scores));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a line declared of unknown origin scores as the undeclared share does', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MINERALS), fc.constantFrom(...COUNTRIES), dateArb, (mineral, origin, asOf) => {
        // 40% from a known origin; the other 60% declared unknown, or left undeclared (the world-mix remainder).
        const known = { mineral, originCountry: origin, processingCountry: null, share: 0.4 };
        const declared = supplier({
          exposures: [known, { mineral, originCountry: null, processingCountry: null, share: 0.6 }],
        });
        const undeclared = supplier({ exposures: [known] });
        const a = scoreWith(declared, asOf, 'US');
        const b = scoreWith(undeclared, asOf, 'US');
        expect(a.score).toBe(b.score);
        expect(a.minerals[0]?.supplyRisk).toBe(b.minerals[0]?.supplyRisk);
      }),
      { numRuns: 100 },
    );
  });
});
