/**
 * The public anchor of docs/model.md 2.16: every mineral of the USGS top tier (gallium, germanium, tungsten,
 * magnesium, antimony, graphite, bismuth, rare earths), sourced 100% from its dominant producer (mined and processed
 * there), scores at least `high` for a US buyer as of 2026-12-03 — with or without a formal control in force.
 */
import { describe, expect, it } from 'vitest';
import { ANCHOR_MINERALS, mainStageOf } from '../../../bin/worked-examples.ts';
import { createScorer, PARAMS } from '../../../shared/model/score.ts';
import { referenceData } from '../../../shared/reference/index.ts';

const ref = referenceData();
const scorer = createScorer(ref, { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });

describe('the USGS top tier from its dominant producer (docs/model.md 2.16)', () => {
  it.each(ANCHOR_MINERALS)('%s from its dominant producer scores at least high', (mineral) => {
    const dominant = ref.stageShares(mineral, mainStageOf(mineral)).shares[0]?.country;
    expect(dominant).toBe('CN');
    const scored = scorer.score({
      supplierId: 'anchor',
      supplierName: null,
      supplierCountry: null,
      annualSpendUsd: null,
      tier: 1,
      alternativeSources: 0,
      inventoryDays: 0,
      exposures: [{ mineral, originCountry: dominant ?? null, processingCountry: dominant ?? null, share: 1 }],
    });
    expect(scored.score).toBeGreaterThanOrEqual(PARAMS.bands.high);
    expect(['high', 'critical']).toContain(scored.band);
  });
});
