/**
 * A scenario in pieces: any split of the suppliers into segments, each a partial, merged in any order, finishes to
 * exactly the inline answer (runScenario, then limitListed) — rows listed, omissions counted, portfolio to the cent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenarioData, limitListed, runScenario, scenarioHeader } from '../../../shared/model/scenario.ts';
import {
  emptyPartial,
  finishScenario,
  mergePartials,
  type ScenarioPartial,
  scenarioPartial,
} from '../../../shared/model/scenario-partial.ts';
import { fromUnits, toUnits } from '../../../shared/model/scenario-sum.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, line, supplier } from '../../helpers/supplier-input.ts';

const base = referenceData();
const ctx = context('2026-12-05', 'US');
const request = {
  add: [
    { country: 'China', kind: 'export_ban' as const, minerals: ['Ga', 'Ge'], effectiveFrom: '2026-12-01' },
    { country: 'DR Congo', kind: 'export_quota' as const, minerals: ['cobalt'], effectiveFrom: '2026-06-01' },
  ],
  remove: ['CN-2025-70'],
};
const { ref, errors } = buildScenarioData(base, request);
const scorers = { base: createScorer(base, ctx), scenario: createScorer(ref, ctx) };

const MINERALS = ['gallium', 'germanium', 'cobalt', 'lithium', 'nickel', 'tungsten', 'holmium'];
const ORIGINS = ['CN', 'CD', 'AU', 'CL', 'ID', 'US', null];
const spend = fc.oneof(
  fc.constant(null),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100),
);
const suppliers = fc
  .array(
    fc.record({
      spend,
      name: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
      lines: fc.array(fc.record({ mineral: fc.constantFrom(...MINERALS), origin: fc.constantFrom(...ORIGINS) }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    { maxLength: 40 },
  )
  .map((rows): SupplierInput[] =>
    rows.map((r, i) =>
      supplier({
        supplierId: `S-${String(i).padStart(3, '0')}`,
        supplierName: r.name,
        annualSpendUsd: r.spend,
        exposures: r.lines.map((l) => line(l.mineral, l.origin, null, 1 / r.lines.length)),
      }),
    ),
  );

/** Splits `items` at the given cut points (any, unsorted, duplicates allowed): possibly empty segments. */
function split<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const at = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const c of [...at, items.length]) {
    out.push(items.slice(from, c));
    from = c;
  }
  return out;
}

/** Merges the partials pairwise in an order the seeds choose (any tree shape, any operand order). */
function mergeInOrder(parts: ScenarioPartial[], seeds: readonly number[], keep: number): ScenarioPartial {
  const pool = [...parts];
  let k = 0;
  while (pool.length > 1) {
    const seed = seeds[k++ % Math.max(1, seeds.length)] ?? 0;
    const i = seed % pool.length;
    const [x] = pool.splice(i, 1) as [ScenarioPartial];
    const j = (seed >> 8) % pool.length;
    const [y] = pool.splice(j, 1) as [ScenarioPartial];
    pool.push(seed & 1 ? mergePartials(x, y, keep) : mergePartials(y, x, keep));
  }
  return pool[0] ?? emptyPartial();
}

describe('scenario partials', () => {
  it('are built from a valid request (the scenario timeline differs from the base)', () => {
    expect(errors).toEqual([]);
    expect(ref.dataVersion).not.toBe(base.dataVersion);
  });

  it('any split into segments, merged in any order, finishes to the inline answer exactly', () => {
    fc.assert(
      fc.property(
        suppliers,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 45 }),
        (inputs, cuts, seeds, maxListed) => {
          const inline = limitListed(runScenario(base, request, inputs, ctx), maxListed);
          const parts = split(inputs, cuts).map((s) => scenarioPartial(scorers, s, maxListed));
          const merged = mergeInOrder(parts, seeds, maxListed);
          expect(finishScenario(scenarioHeader(base, ref, ctx), merged, maxListed)).toEqual(inline);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an empty partial is the identity of the merge', () => {
    fc.assert(
      fc.property(suppliers, fc.integer({ min: 0, max: 10 }), (inputs, keep) => {
        const p = scenarioPartial(scorers, inputs, keep);
        expect(mergePartials(emptyPartial(), p, keep)).toEqual(p);
        expect(mergePartials(p, emptyPartial(), keep)).toEqual(p);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps at most 2 × keep rows however many suppliers it covers', () => {
    fc.assert(
      fc.property(suppliers, fc.integer({ min: 0, max: 10 }), (inputs, keep) => {
        const p = scenarioPartial(scorers, inputs, keep);
        expect(p.rows.length).toBe(Math.min(inputs.length, 2 * keep));
        expect(p.suppliers).toBe(inputs.length);
      }),
      { numRuns: 50 },
    );
  });
});

describe('exact sums', () => {
  it('convert any finite double exactly: sums are independent of order and grouping', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 30 }), (xs) => {
        const forward = xs.reduce((a, x) => a + toUnits(x), 0n);
        const backward = [...xs].reverse().reduce((a, x) => a + toUnits(x), 0n);
        expect(forward).toBe(backward);
        for (const x of xs) expect(fromUnits(toUnits(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});
