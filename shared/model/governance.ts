import type { Governance, ReferenceData } from '../reference/index.ts';

/**
 * Governance risk of a country, 0 (strong) … 1 (weak), from World Bank WGI estimates (about -2.5 … +2.5):
 * w = (2.5 − e) / 5, e = the mean of the six WGI dimensions (VA, PV, GE, RQ, RL, CC) the WGI estimates for it. This is
 * the EU CRM method's scaled WGI (the aggregate of the six, 0–10, higher = worse) on 0–1 instead of 0–10.
 *
 * A place the WGI does not cover gets the estimate 0, the mean across economies by construction of the WGI scale
 * (w = 0.5): an explicit, documented default rather than a silent zero.
 */
export const DEFAULT_WGI_ESTIMATE = 0;

/** The dimensions e averages, in the WGI's order. */
export const WGI_DIMENSIONS = [
  'voiceAccountability',
  'politicalStability',
  'governmentEffectiveness',
  'regulatoryQuality',
  'ruleOfLaw',
  'controlOfCorruption',
] as const satisfies readonly (keyof Governance)[];

export interface GovernanceRisk {
  risk: number;
  /** False when the default was used. */
  known: boolean;
  /** The estimate w was computed from (the mean of the dimensions present, or the default). */
  estimate: number;
  /** How many of the six dimensions the mean is over (0 = default). */
  dimensions: number;
  source: string | null;
}

export function governanceRisk(ref: ReferenceData, country: string): GovernanceRisk {
  const g = ref.governance.get(country);
  const values = g ? WGI_DIMENSIONS.map((d) => g[d]).filter((v): v is number => typeof v === 'number') : [];
  const known = values.length > 0;
  const estimate = known ? values.reduce((a, b) => a + b, 0) / values.length : DEFAULT_WGI_ESTIMATE;
  const risk = Math.min(1, Math.max(0, (2.5 - estimate) / 5));
  return {
    risk,
    known,
    estimate,
    dimensions: values.length,
    source: known && g ? `${g.source} (${g.vintage})` : null,
  };
}
