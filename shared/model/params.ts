/**
 * The model's version and parameters: every constant of the scoring formula (shared/model/score.ts and its parts)
 * lives here, with the rounding of what is reported, so docs/model.md can point at one object. No reference data.
 */
import type { Band } from './types.ts';

/**
 * Bump on any change to the arithmetic or parameters of shared/model/ (this file, score.ts and its parts,
 * governance.ts, policy.ts, the drivers' points in explain.ts) or to the share fallback rules of
 * shared/reference/index.ts; stored with every score, so a bump rescores what is stored. Data changes move dataVersion.
 * 1.1.0: drivers' points are each line's part of the supplier's score (1.0.0: of its mineral's score).
 * 1.2.0: stage-scoped measures (a `raw` ban stops ore processed elsewhere only, and no raw ban enters the world
 * term); unknown origins read as the world mining mix; governance weighs with the country's squared world share and
 * recycling relieves the impact and the world term, not the line (docs/model.md 2.16, changelog).
 */
export const MODEL_VERSION = '1.2.0';

export const PARAMS = {
  /**
   * Share of a country's governance risk that becomes baseline disruption propensity (no measure in force), for a
   * country with a negligible world share; it rises with the square of the share (the EU's s² weighting) to 1 for a
   * country holding the whole stage: α_c = α + (1 − α)·s_c².
   */
  governanceWeight: 0.5,
  /** Restriction intensity of a measure in force, by kind (EU CRM's t_c idea: restrictions scale risk). */
  severity: { export_licensing: 0.6, export_quota: 0.7, export_ban: 1.0 } as Record<string, number>,
  /** Weight of a measure by state: suspended or announced measures are latent risk (lower than active, above none). */
  stateWeight: { active: 1.0, suspended: 0.4, announced: 0.4 },
  /** Relief on an origin's disruption propensity when the buyer's country has a critical-minerals agreement with it. */
  agreementRelief: 0.25,
  /** Impact of losing a source: floor plus the part the country's world share makes irreplaceable. */
  impactFloor: 0.5,
  /** Weight of the world-market (global concentration) term: IR/2 with import reliance 1, as in the EU formula. */
  globalWeight: 0.5,
  /** Concentration (HHI) assumed where no world share data exists for a mineral (moderately concentrated market). */
  defaultHhi: 0.25,
  /** EU CRM SI and EoL-RIR defaults where unknown: no substitute, no recycling (conservative). */
  defaultSubstitutionIndex: 1.0,
  defaultEolRecyclingInputRate: 0.0,
  /** Mitigants: at most 30% off for alternatives (half the remaining room per source), 20% for 180+ days of cover. */
  alternativesMaxRelief: 0.3,
  inventoryMaxRelief: 0.2,
  inventoryCapDays: 180,
  /** Breadth: other minerals add this fraction of the headroom above the worst mineral, scaled by their mean score. */
  breadthWeight: 0.25,
  /** Band lower bounds (score ≥ bound). */
  bands: { medium: 25, high: 50, critical: 75 },
} as const;

export function bandOf(score: number): Band {
  if (score >= PARAMS.bands.critical) return 'critical';
  if (score >= PARAMS.bands.high) return 'high';
  if (score >= PARAMS.bands.medium) return 'medium';
  return 'low';
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
/** Risks are kept to 4 decimals: enough to rank, short in JSON, and rounding is monotone so no property is lost. */
export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
