/**
 * Scrap-fed lines (`origin_country` `recycled` or `scrap`): no mine origin, so no mining stage; the processing stage
 * still bears its country's governance and measures. Read the same from a CSV row and an API body, explained as such.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRecycledOrigin } from '../../../shared/model/normalise.ts';
import { createScorer, RECYCLED } from '../../../shared/model/score.ts';
import { normaliseSupplier } from '../../../shared/model/supplier-input.ts';
import type { Exposure } from '../../../shared/model/types.ts';
import { buildReferenceData, referenceData } from '../../../shared/reference/index.ts';
import type { PolicyEvent } from '../../../shared/reference/types.ts';
import { context, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const MINERALS = [...ref.minerals.keys()];
const COUNTRIES = ['CN', 'AU', 'US', 'CD', 'ID', 'RU', 'MY', 'DE', 'JP', 'ZA', 'CL', 'KZ'];
const dateArb = fc
  .date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const recycledLine = (mineral: string, processing: string | null, share: number | null = 1): Exposure => ({
  mineral,
  originCountry: null,
  processingCountry: processing,
  share,
  recycled: true,
});
const unknownLine = (mineral: string, processing: string | null, share: number | null = 1): Exposure => ({
  mineral,
  originCountry: null,
  processingCountry: processing,
  share,
});

describe('recycled origin', () => {
  it.each([
    ['recycled', true],
    [' Recycled ', true],
    ['SCRAP', true],
    ['scrap metal', false],
    ['unknown', false],
    ['', false],
    [null, false],
  ])('isRecycledOrigin(%j) is %s', (raw, expected) => {
    expect(isRecycledOrigin(raw)).toBe(expected);
  });

  it('an API exposure with originCountry "recycled" or "Scrap" is a scrap-fed line, with no origin country', () => {
    const r = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'W', originCountry: 'recycled', processingCountry: 'Germany' },
        { mineral: 'Co', originCountry: 'Scrap' },
      ],
    });
    expect(r.ok && r.input.exposures).toEqual([
      recycledLine('tungsten', 'DE', null),
      recycledLine('cobalt', null, null),
    ]);
  });

  it('a recycled line and an unknown-origin line of the same mineral and processing are two lines; two recycled are a duplicate', () => {
    const two = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'W', originCountry: 'recycled', processingCountry: 'DE' },
        { mineral: 'W', processingCountry: 'DE' },
      ],
    });
    expect(two.ok).toBe(true);
    const dup = normaliseSupplier({
      supplierId: 'S',
      exposures: [
        { mineral: 'W', originCountry: 'recycled', processingCountry: 'DE' },
        { mineral: 'W', originCountry: 'scrap', processingCountry: 'DE' },
      ],
    });
    expect(!dup.ok && dup.errors.map((e) => e.path)).toEqual(['exposures[1]']);
  });

  it('has no mining stage: its only stage is processing, in the declared country or the world processing mix', () => {
    const scorer = createScorer(ref, context('2026-12-03'));
    for (const processing of ['DE', 'CN', null]) {
      const line = scorer.score(supplier({ exposures: [recycledLine('tungsten', processing)] })).minerals[0]?.lines[0];
      expect(line?.originCountry).toBe(RECYCLED);
      expect(line?.stages.map((s) => s.stage)).toEqual(['processing']);
      expect(line?.stages[0]?.country).toBe(processing ?? 'WORLD');
      expect(line?.risk).toBe(line?.stages[0]?.risk);
    }
  });

  it('a mining or raw-ore measure never reaches it; a processing measure of its processing country does', () => {
    const measure = (stage: PolicyEvent['stage'], country: string): PolicyEvent => ({
      id: `TEST-${stage}`,
      country,
      instrument: 'hypothetical measure',
      kind: 'export_ban',
      minerals: ['cobalt'],
      announced: '2026-01-01',
      effectiveFrom: '2026-01-01',
      effectiveUntil: null,
      destination: { kind: 'all' },
      stage,
      source: 'test',
    });
    const s = supplier({ exposures: [recycledLine('cobalt', 'FI')] });
    const base = createScorer(ref, context('2026-12-03')).score(s);
    for (const stage of ['mining', 'raw'] as const) {
      const data = buildReferenceData({ policyEvents: [...ref.policyEvents, measure(stage, 'CD')] });
      expect(createScorer(data, context('2026-12-03')).score(s).score).toBe(base.score);
    }
    const data = buildReferenceData({ policyEvents: [...ref.policyEvents, measure('processing', 'FI')] });
    expect(createScorer(data, context('2026-12-03')).score(s).score).toBeGreaterThan(base.score);
  });

  it('never scores above the same line of unknown origin (any mineral, processing, date, share)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MINERALS),
        fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
        dateArb,
        fc.constantFrom('US', 'DE', 'JP'),
        (mineral, processing, pct, asOf, buyer) => {
          const scorer = createScorer(ref, context(asOf, buyer));
          const share = pct === null ? null : pct / 100;
          const recycled = scorer.score(supplier({ exposures: [recycledLine(mineral, processing, share)] }));
          const unknown = scorer.score(supplier({ exposures: [unknownLine(mineral, processing, share)] }));
          expect(recycled.minerals[0]?.lines[0]?.risk).toBeLessThanOrEqual(unknown.minerals[0]?.lines[0]?.risk ?? 0);
          expect(recycled.score).toBeLessThanOrEqual(unknown.score);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is explained as a recycled feed, with what its processing stage carries', () => {
    const scored = createScorer(ref, context('2026-12-03')).score(
      supplier({ exposures: [recycledLine('gallium', 'CN', 0.6), { ...unknownLine('gallium', null), share: 0.4 }] }),
    );
    const driver = scored.drivers.find((d) => d.text.startsWith('60% of its') || d.text.startsWith('recycled feed'));
    expect(driver?.text).toMatch(/^recycled feed: end-of-life scrap, no mining stage/);
    expect(driver?.text).toContain('China');
    expect(driver?.country).toBe('CN');
  });
});
