/**
 * Disruption propensity of a country: its governance baseline weighted by its world share, united with the
 * restriction intensity of the measures that bear on a stage (docs/model.md 2.1–2.3). Pure arithmetic.
 */
import type { Stage } from '../reference/index.ts';
import { PARAMS } from './params.ts';
import type { MeasureInForce } from './types.ts';

/** Restriction intensity τ ∈ [0,1]: the union of the measures' weighted severities (adding one never lowers it). */
export function restrictionIntensity(measures: readonly MeasureInForce[]): number {
  let keep = 1;
  for (const m of measures) keep *= 1 - (PARAMS.severity[m.kind] ?? 0) * PARAMS.stateWeight[m.state];
  return 1 - keep;
}

/**
 * Whether a measure of the stage country bears on this stage of a line: `all` on either stage; `mining` and `raw` on
 * the mine origin, `raw` only when the ore leaves the country to be processed (`exported`); `processing` on the
 * processing country.
 */
export function bearsOn(m: MeasureInForce, stage: Stage, exported: boolean): boolean {
  if (m.stage === undefined) return true;
  if (stage === 'processing') return m.stage === 'processing';
  return m.stage === 'mining' || (m.stage === 'raw' && exported);
}

/**
 * Governance weight α_c of a country holding `share` (0–1) of the stage's world supply: α + (1 − α)·s². A dominant
 * producer with weak governance can withhold supply without a formal control, and a buyer has nowhere else to go.
 */
export function governanceWeightOf(share: number): number {
  return PARAMS.governanceWeight + (1 - PARAMS.governanceWeight) * share * share;
}

/**
 * Propensity of a country to disrupt a flow: governance baseline (weighted by the country's world share) united with
 * restrictions. Non-decreasing in governance risk, world share and restriction; at most 1.
 */
export function propensity(governance: number, restriction: number, share = 0): number {
  return 1 - (1 - governanceWeightOf(share) * governance) * (1 - restriction);
}
