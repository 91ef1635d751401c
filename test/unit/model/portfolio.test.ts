/**
 * Portfolio exposure: spend allocated over minerals and lines, grouped by mineral and/or origin country, the
 * concentration (HHI) of the tenant's own sourcing, spend by band. Examples plus properties (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GroupDimension, portfolioExposure } from '../../../shared/model/portfolio.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { Exposure, ScoredSupplier, SupplierInput } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, line, supplier } from '../../helpers/supplier-input.ts';

const scorer = createScorer(referenceData(), context('2026-12-01', 'US'));
const scored = (input: SupplierInput): ScoredSupplier => scorer.score(input);

const MINERALS = ['gallium', 'cobalt', 'lithium', 'dysprosium', 'holmium', 'graphite', 'nickel', 'tungsten'];
const COUNTRIES = ['CN', 'AU', 'CD', 'ID', 'CL', 'US', 'MY', 'BR'];
const GROUPINGS: GroupDimension[][] = [['mineral'], ['country'], ['mineral', 'country']];

/** A supplier whose stated shares per mineral sum to at most 1 (as validation guarantees); spend may be null. */
const inputArb = (id: string, countries: readonly string[] = COUNTRIES): fc.Arbitrary<SupplierInput> =>
  fc
    .record({
      exposures: fc.array(
        fc.record({
          mineral: fc.constantFrom(...MINERALS),
          originCountry: fc.constantFrom(...countries),
          weight: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      spend: fc.option(fc.integer({ min: 0, max: 50_000_000 }), { nil: null }),
    })
    .map(({ exposures, spend }) => {
      const totals = new Map<string, number>();
      for (const e of exposures) totals.set(e.mineral, (totals.get(e.mineral) ?? 0) + (e.weight ?? 0));
      const lines: Exposure[] = exposures.map((e) => ({
        mineral: e.mineral,
        originCountry: e.originCountry,
        processingCountry: null,
        share: e.weight === null ? null : e.weight / Math.max(totals.get(e.mineral) ?? 1, 100),
      }));
      return supplier({ supplierId: id, annualSpendUsd: spend, exposures: lines });
    });

const portfolioArb = (countries: readonly string[] = COUNTRIES) =>
  fc
    .integer({ min: 1, max: 8 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => inputArb(`S${i}`, countries))))
    .map((inputs) => inputs.map(scored));

const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0);

describe('portfolioExposure: examples', () => {
  const a = scored(
    supplier({
      supplierId: 'A',
      annualSpendUsd: 1_000_000,
      // gallium: 60% China, 40% undeclared (the WORLD line); cobalt: all DR Congo.
      exposures: [line('gallium', 'CN', null, 0.6), line('cobalt', 'CD', null, 1)],
    }),
  );
  const b = scored(supplier({ supplierId: 'B', annualSpendUsd: 250_000, exposures: [line('cobalt', 'AU', null, 1)] }));
  const c = scored(supplier({ supplierId: 'C', annualSpendUsd: null, exposures: [line('gallium', 'CN', null, 1)] }));

  it('allocates spend over minerals equally and within a mineral by line share, WORLD kept as its own group', () => {
    const p = portfolioExposure([a, b, c], ['mineral', 'country']);
    const g = (mineral: string, country: string) =>
      p.groups.find((x) => x.key.mineral === mineral && x.key.country === country);
    expect(g('gallium', 'CN')?.spendUsd).toBe(300_000);
    expect(g('gallium', 'WORLD')?.spendUsd).toBe(200_000);
    expect(g('cobalt', 'CD')?.spendUsd).toBe(500_000);
    expect(g('cobalt', 'AU')?.spendUsd).toBe(250_000);
    // C has no spend but is still counted.
    expect(g('gallium', 'CN')?.suppliers).toBe(2);
    expect(p.totals).toEqual({
      suppliers: 3,
      spendUsd: 1_250_000,
      spendWeightedScore: Math.round(((1_000_000 * a.score + 250_000 * b.score) / 1_250_000) * 10) / 10,
      unallocatedSpendUsd: 0,
    });
  });

  it('orders groups by spend, highest first, then by key', () => {
    const p = portfolioExposure([a, b, c], ['mineral', 'country']);
    expect(p.groups.map((x) => `${x.key.mineral}/${x.key.country}`)).toEqual([
      'cobalt/CD',
      'gallium/CN',
      'cobalt/AU',
      'gallium/WORLD',
    ]);
    const byMineral = portfolioExposure([a, b, c], ['mineral']);
    expect(byMineral.groups.map((x) => x.key)).toEqual([{ mineral: 'cobalt' }, { mineral: 'gallium' }]);
    expect(byMineral.groups[0]?.suppliers).toBe(2);
  });

  it('weights the mineral score by spend; a group without spend has no weighted score but a max', () => {
    const p = portfolioExposure([a, b, c], ['mineral']);
    const ga = a.minerals.find((m) => m.mineral === 'gallium');
    const gaC = c.minerals.find((m) => m.mineral === 'gallium');
    const gallium = p.groups.find((x) => x.key.mineral === 'gallium');
    expect(gallium?.spendWeightedScore).toBe(ga?.score);
    expect(gallium?.maxScore).toBe(Math.max(ga?.score ?? 0, gaC?.score ?? 0));
    const onlyC = portfolioExposure([c], ['mineral']);
    expect(onlyC.groups[0]?.spendUsd).toBe(0);
    expect(onlyC.groups[0]?.spendWeightedScore).toBeNull();
    expect(onlyC.groups[0]?.maxScore).toBe(gaC?.score);
    expect(onlyC.concentration[0]?.sourcingHhi).toBeNull();
    expect(onlyC.totals.spendWeightedScore).toBeNull();
  });

  it('measures the concentration of the tenant’s own sourcing per mineral', () => {
    const p = portfolioExposure([a, b, c], ['country']);
    const cobalt = p.concentration.find((m) => m.mineral === 'cobalt');
    const gallium = p.concentration.find((m) => m.mineral === 'gallium');
    // cobalt: 500k CD, 250k AU → (2/3)² + (1/3)² = 5/9.
    expect(cobalt).toEqual({ mineral: 'cobalt', spendUsd: 750_000, origins: 2, sourcingHhi: 0.5556 });
    // gallium: 300k CN, 200k WORLD → 0.36 + 0.16.
    expect(gallium).toEqual({ mineral: 'gallium', spendUsd: 500_000, origins: 2, sourcingHhi: 0.52 });
  });

  it('adds up spend and supplier counts by band', () => {
    const p = portfolioExposure([a, b, c], ['mineral']);
    expect(sum(Object.values(p.spendByBand).map((x) => x.suppliers))).toBe(3);
    expect(sum(Object.values(p.spendByBand).map((x) => x.spendUsd))).toBe(1_250_000);
    expect(p.spendByBand[a.band].spendUsd).toBeGreaterThanOrEqual(1_000_000);
    expect(p.spendByBand[c.band].suppliers).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic whatever the input order; no grouping gives one group for the whole portfolio', () => {
    expect(portfolioExposure([c, b, a], ['mineral', 'country'])).toEqual(
      portfolioExposure([a, b, c], ['country', 'mineral']),
    );
    const whole = portfolioExposure([a, b, c], []);
    expect(whole.groups).toHaveLength(1);
    expect(whole.groups[0]).toMatchObject({ key: {}, suppliers: 3, spendUsd: 1_250_000 });
  });

  it('an empty portfolio is empty, not an error', () => {
    const p = portfolioExposure([], ['mineral']);
    expect(p.groups).toEqual([]);
    expect(p.totals).toEqual({ suppliers: 0, spendUsd: 0, spendWeightedScore: null, unallocatedSpendUsd: 0 });
  });
});

describe('portfolioExposure: properties', () => {
  it('allocated spend over the groups sums to the total spend (by mineral, by country, by both)', () => {
    fc.assert(
      fc.property(portfolioArb(), (suppliers) => {
        for (const groupBy of GROUPINGS) {
          const p = portfolioExposure(suppliers, groupBy);
          const allocated = sum(p.groups.map((g) => g.spendUsd));
          // Each figure is rounded to the cent.
          const tolerance = 0.005 * (p.groups.length + 2);
          expect(Math.abs(allocated - (p.totals.spendUsd - p.totals.unallocatedSpendUsd))).toBeLessThanOrEqual(
            tolerance,
          );
          expect(p.totals.unallocatedSpendUsd).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the sourcing HHI of every mineral with spend lies in [1/n, 1], n its origin countries', () => {
    fc.assert(
      fc.property(portfolioArb(), (suppliers) => {
        for (const m of portfolioExposure(suppliers, ['mineral']).concentration) {
          if (m.spendUsd === 0) {
            expect(m.sourcingHhi).toBeNull();
            continue;
          }
          expect(m.sourcingHhi).not.toBeNull();
          expect(m.sourcingHhi ?? 0).toBeGreaterThanOrEqual(1 / m.origins - 1e-4);
          expect(m.sourcingHhi ?? 2).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('adding a supplier never lowers any group’s supplier count', () => {
    fc.assert(
      fc.property(portfolioArb(), inputArb('NEW'), (suppliers, extra) => {
        for (const groupBy of GROUPINGS) {
          const before = portfolioExposure(suppliers, groupBy);
          const after = portfolioExposure([...suppliers, scored(extra)], groupBy);
          for (const g of before.groups) {
            const same = after.groups.find((x) => x.key.mineral === g.key.mineral && x.key.country === g.key.country);
            expect(same?.suppliers ?? 0).toBeGreaterThanOrEqual(g.suppliers);
          }
          expect(after.totals.suppliers).toBe(before.totals.suppliers + 1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a portfolio with all its spend from one country has HHI 1 for every mineral', () => {
    const oneCountry = fc.constantFrom(...COUNTRIES).chain((country) =>
      portfolioArb([country]).map((suppliers) =>
        // Declare every line's share in full so no undeclared WORLD remainder is left.
        suppliers.map((s) =>
          scored(
            supplier({
              supplierId: s.supplierId,
              annualSpendUsd: s.annualSpendUsd,
              exposures: s.minerals.map((m) => line(m.mineral, country, null, 1)),
            }),
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(oneCountry, (suppliers) => {
        const p = portfolioExposure(suppliers, ['mineral']);
        for (const m of p.concentration) {
          if (m.spendUsd > 0) expect(m.sourcingHhi).toBe(1);
          expect(m.origins).toBe(1);
        }
        expect(portfolioExposure(suppliers, ['country']).groups.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});
