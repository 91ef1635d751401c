/**
 * The public anchor of docs/model.md 2.16: every mineral of the USGS top tier (gallium, germanium, tungsten,
 * magnesium, antimony, graphite, bismuth, rare earths), sourced 100% from its dominant producer (mined and processed
 * there), scores at least `high` for a US buyer as of 2026-12-03 — with or without a formal control in force.
 */
import { describe, expect, it } from 'vitest';
import { ANCHOR_MINERALS, input, mainStageOf } from '../../../bin/worked-examples.ts';
import { createScorer, governanceWeightOf, PARAMS } from '../../../shared/model/score.ts';
import { referenceData } from '../../../shared/reference/index.ts';

const ref = referenceData();
const scorer = createScorer(ref, { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });

describe('the USGS top tier from its dominant producer (docs/model.md 2.16)', () => {
  it.each(ANCHOR_MINERALS)('%s from its dominant producer scores at least high', (mineral) => {
    const dominant = ref.stageShares(mineral, mainStageOf(mineral)).shares[0]?.country;
    expect(dominant).toBe('CN');
    const scored = scorer.score(input('anchor', [[mineral, dominant ?? null, dominant ?? null, 1]]));
    expect(scored.score).toBeGreaterThanOrEqual(PARAMS.bands.high);
    expect(['high', 'critical']).toContain(scored.band);
  });
});

describe('the drivers name the share-weighted governance term (docs/model.md 2.3)', () => {
  const line = (mineral: string, origin: string | null, processing: string | null, asOf = '2026-12-03') =>
    createScorer(ref, { asOf, buyerCountry: 'US', endUse: 'civil' }).score(
      input('driver', [[mineral, origin, processing, 1]]),
    );
  const weightOf = (mineral: string, stage: 'mining' | 'processing', country: string) => {
    const { shares, divisor } = ref.stageShares(mineral, stage);
    return governanceWeightOf((shares.find((s) => s.country === country)?.sharePct ?? 0) / divisor);
  };

  it.each(ANCHOR_MINERALS)('%s from China: the top driver says what weight China’s governance took, and why', (m) => {
    const scored = line(m, 'CN', 'CN');
    const top = scored.drivers[0];
    const stage = scored.minerals[0]?.lines[0]?.stages.reduce((a, b) => (b.risk > a.risk ? b : a));
    expect(stage?.country).toBe('CN');
    const alpha = weightOf(m, stage?.stage ?? 'mining', 'CN');
    expect(alpha).toBeGreaterThan(PARAMS.governanceWeight);
    expect(top?.text).toContain(`its governance counts ${alpha.toFixed(2)} instead of ${PARAMS.governanceWeight}`);
    expect(top?.text).toContain('a dominant producer can hold back supply without a formal export control');
  });

  it('cobalt from the DR Congo before any measure: the lift is the share-weighted governance, and the driver says so', () => {
    const top = line('cobalt', 'CD', null, '2025-01-15').drivers[0];
    expect(top?.text).toContain(`its governance counts ${weightOf('cobalt', 'mining', 'CD').toFixed(2)} instead of`);
    const world = line('cobalt', null, null, '2025-01-15').drivers[0];
    expect(world?.text).toContain(`DR Congo's governance counts ${weightOf('cobalt', 'mining', 'CD').toFixed(2)}`);
  });

  it('a minor producer (under a third of the stage) gets no such words', () => {
    for (const [m, c] of [
      ['nickel', 'AU'],
      ['cobalt', 'AU'],
      ['copper', 'CL'],
    ] as const) {
      const stage = line(m, c, c).minerals[0]?.lines[0]?.stages.reduce((a, b) => (b.risk > a.risk ? b : a));
      expect(stage?.worldShare ?? 0, `${m} ${c}`).toBeLessThan(1 / 3);
      expect(line(m, c, c).drivers[0]?.text, `${m} ${c}`).not.toContain('governance counts');
    }
  });
});
