import type { ReferenceData } from '../reference/index.ts';

/**
 * Governance risk of a country, 0 (strong) … 1 (weak), from World Bank WGI estimates (about -2.5 … +2.5):
 * w = (2.5 − mean(PV, GE)) / 5. This is the EU CRM method's WGI rescaled, higher = worse, on 0–1 instead of 0–10.
 *
 * A country without WGI data gets the estimate 0, the world mean by construction of the WGI scale (w = 0.5):
 * an explicit, documented default rather than a silent zero.
 */
export const DEFAULT_WGI_ESTIMATE = 0;

export interface GovernanceRisk {
  risk: number;
  /** False when the default was used. */
  known: boolean;
  source: string | null;
}

export function governanceRisk(ref: ReferenceData, country: string): GovernanceRisk {
  const g = ref.governance.get(country);
  const values = [g?.politicalStability, g?.governmentEffectiveness].filter((v): v is number => typeof v === 'number');
  const known = values.length > 0;
  const estimate = known ? values.reduce((a, b) => a + b, 0) / values.length : DEFAULT_WGI_ESTIMATE;
  const risk = Math.min(1, Math.max(0, (2.5 - estimate) / 5));
  return { risk, known, source: known && g ? `${g.source} (${g.vintage})` : null };
}
