/**
 * Stage-scoped measures: a ban on unprocessed ore stops a line mined in its country and processed elsewhere, not
 * metal refined in the same country; a measure on processed output bears on lines processed there. Properties on
 * hypothetical measures of countries without any in the shipped timeline, and drivers that say which flow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../../shared/model/score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { buildReferenceData, type ReferenceData, referenceData } from '../../../shared/reference/index.ts';
import type { MeasureStage, PolicyEvent } from '../../../shared/reference/types.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const MINERALS = ['lithium', 'cobalt', 'nickel', 'graphite', 'dysprosium', 'rare_earths', 'tungsten', 'platinum'];
// No measure of theirs in the shipped timeline, so the hypothetical one acts alone.
const QUIET = ['AU', 'CL', 'ZA', 'CA', 'BR', 'FJ', 'AR'];
const OTHERS = ['JP', 'DE', 'FI', 'KR', 'US'];
const AS_OF = '2030-06-01';

const measure = (country: string, mineral: string, stage: MeasureStage, kind: PolicyEvent['kind']): PolicyEvent => ({
  id: 'TEST-STAGE',
  country,
  instrument: 'hypothetical measure',
  kind,
  minerals: [mineral],
  announced: '2030-01-01',
  effectiveFrom: '2030-01-01',
  effectiveUntil: null,
  destination: { kind: 'all' },
  stage,
  source: 'test',
});

const withMeasure = (m: PolicyEvent) => buildReferenceData({ policyEvents: [...ref.policyEvents, m] });
const only = (mineral: string, origin: string | null, processing: string | null): SupplierInput =>
  supplier({ exposures: [{ mineral, originCountry: origin, processingCountry: processing, share: 1 }] });
const scored = (data: ReferenceData, s: SupplierInput) => createScorer(data, context(AS_OF, 'US')).score(s);
const mining = (data: ReferenceData, s: SupplierInput) => scored(data, s).minerals[0]?.lines[0]?.stages[0]?.risk ?? 0;
const kindArb = fc.constantFrom<PolicyEvent['kind']>('export_licensing', 'export_quota', 'export_ban');

describe('a raw-ore measure', () => {
  it('stops ore mined in its country and processed elsewhere, never metal refined there, and nothing of other origins', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...QUIET),
        fc.constantFrom(...OTHERS),
        fc.constantFrom(...MINERALS),
        kindArb,
        (x, y, mineral, kind) => {
          const data = withMeasure(measure(x, mineral, 'raw', kind));
          // Refined where it is mined: exactly as without the measure.
          const own = (d: ReferenceData) => {
            const r = scored(d, only(mineral, x, x));
            return { score: r.score, minerals: r.minerals, drivers: r.drivers };
          };
          expect(own(data)).toEqual(own(ref));
          // Mined elsewhere: untouched (the world term counts no raw measure: the mineral still reaches the market).
          expect(scored(data, only(mineral, y, x)).score).toBe(scored(ref, only(mineral, y, x)).score);
          expect(scored(data, only(mineral, y, null)).score).toBe(scored(ref, only(mineral, y, null)).score);
          // Mined there, processed elsewhere: its mining stage is the origin's with the measure, as an `all` one reads.
          const exported = only(mineral, x, y);
          expect(mining(data, exported)).toBeGreaterThan(mining(ref, exported));
          const whole = withMeasure(measure(x, mineral, 'all', kind));
          expect(mining(data, exported)).toBeLessThanOrEqual(mining(whole, exported));
          // Processing not declared: between the two flows, weighted by where the world refines.
          const unknown = only(mineral, x, null);
          expect(mining(data, unknown)).toBeGreaterThanOrEqual(mining(data, only(mineral, x, x)));
          expect(mining(data, unknown)).toBeLessThanOrEqual(mining(data, exported));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says in the driver which flow it stops', () => {
    const data = withMeasure(measure('AU', 'lithium', 'raw', 'export_ban'));
    const exported = scored(data, only('lithium', 'AU', 'JP'));
    expect(exported.drivers[0]?.text).toMatch(
      /export ban on unprocessed ore and concentrate active since 2030-01-01 \(hypothetical measure\): it stops lithium mined in Australia and processed elsewhere/,
    );
    const unknown = scored(data, only('lithium', 'AU', null));
    const texts = unknown.minerals[0]?.lines[0]?.stages[0]?.measures;
    expect(texts?.[0]).toMatchObject({ id: 'TEST-STAGE', stage: 'raw' });
    expect(texts?.[0]?.flowShare).toBeGreaterThan(0);
    expect(texts?.[0]?.flowShare).toBeLessThanOrEqual(1);
  });
});

describe('a measure on mine output or on processed output', () => {
  it('bears on its own stage of a line only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...QUIET),
        fc.constantFrom(...OTHERS),
        fc.constantFrom(...MINERALS),
        kindArb,
        (x, y, mineral, kind) => {
          const onMining = withMeasure(measure(x, mineral, 'mining', kind));
          const onProcessing = withMeasure(measure(x, mineral, 'processing', kind));
          // A production cap reaches ore mined there wherever it is processed, as an `all` measure does at that stage.
          const whole = withMeasure(measure(x, mineral, 'all', kind));
          for (const p of [x, y, null])
            expect(mining(onMining, only(mineral, x, p))).toBe(mining(whole, only(mineral, x, p)));
          // A measure on processed output leaves the mining stage of its country's ore alone.
          expect(mining(onProcessing, only(mineral, x, y))).toBe(mining(ref, only(mineral, x, y)));
          // …and bears on what is processed there, as an `all` measure does at that stage.
          const processedThere = (d: ReferenceData) =>
            scored(d, only(mineral, y, x)).minerals[0]?.lines[0]?.stages[1]?.risk ?? 0;
          expect(processedThere(onProcessing)).toBe(processedThere(whole));
          expect(processedThere(onProcessing)).toBeGreaterThan(processedThere(ref));
        },
      ),
      { numRuns: 100 },
    );
  });
});

// Pinned on data ref-dbe0cc0f0d5a (WGI 2023 six-dimension governance; IEA 2025 refining shares, which moved lithium
// refined in China or Zimbabwe by 0.4), model 1.2.0 with
// the share-weighted governance and recycling on the world term (docs/model.md 2.3, 2.16).
describe('the shipped stage-scoped measures (docs/model.md section 4)', () => {
  const score = (asOf: string, mineral: string, o: string, p: string | null, buyer = 'US') =>
    createScorer(ref, context(asOf, buyer)).score(only(mineral, o, p)).score;

  it.each([
    ['2026-02-24', 'lithium', 'ZW', 'CN', 39.8],
    ['2026-12-03', 'lithium', 'ZW', 'CN', 52.0],
    ['2026-12-03', 'lithium', 'ZW', 'ZW', 25.5],
    ['2026-12-03', 'lithium', 'ZW', null, 52.0],
    ['2025-12-01', 'nickel', 'ID', 'ID', 27.0],
    ['2026-06-01', 'nickel', 'ID', 'ID', 59.7],
    ['2027-01-01', 'nickel', 'ID', 'ID', 27.0],
    ['2025-12-01', 'nickel', 'ID', 'CN', 70.2],
    ['2026-06-01', 'nickel', 'ID', 'CN', 71.8],
    ['2025-12-01', 'nickel', 'ID', null, 44.5],
    ['2026-06-01', 'nickel', 'ID', null, 64.6],
    ['2026-12-03', 'manganese', 'GA', 'CN', 38.5],
    ['2029-01-01', 'manganese', 'GA', 'CN', 61.6],
    ['2029-01-01', 'manganese', 'GA', 'GA', 23.1],
    ['2026-12-03', 'uranium', 'KZ', 'RU', 41.3],
  ])('%s %s %s/%s scores %d for a US buyer', (asOf, mineral, o, p, expected) => {
    expect(score(asOf, mineral, o, p)).toBe(expected);
  });

  it('Russia’s uranium measure reaches US buyers only', () => {
    // A German buyer: no Russian measure, and the EU–Kazakhstan partnership (2022) relieves the mine flow.
    expect(score('2026-12-03', 'uranium', 'KZ', 'RU', 'DE')).toBe(21.8);
  });
});
