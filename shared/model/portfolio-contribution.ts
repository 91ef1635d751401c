/**
 * What one scored supplier adds to its tenant's portfolio (shared/model/portfolio.ts): its spend and score, its band,
 * and the slices of its spend over mineral × origin country with the mineral's score. Everything is an integer —
 * spend in micro-USD, scores in tenths — so contributions add and remove exactly, in any order (floating-point sums
 * do not: the aggregates of issue 12 are maintained by adding and removing contributions as scores are written).
 * Pure.
 */
import { MineralRiskError } from '../errors.ts';
import type { Band, ScoredSupplier } from './types.ts';

/** Spend is counted in micro-USD: exact to well below the cent the answer is rounded to. */
export const MICRO_PER_USD = 1_000_000;

export interface ContributionSlice {
  mineral: string;
  /** Origin country (ISO alpha-2), `WORLD` for an unknown origin. */
  country: string;
  /** The slice's spend, micro-USD (integer). */
  spend: number;
  /** The mineral's score in tenths (integer, 0–1000). */
  score10: number;
}

export interface Contribution {
  /** The supplier's spend, micro-USD (integer; 0 for a null or invalid spend). */
  spend: number;
  /** The supplier's score in tenths (integer). */
  score10: number;
  band: Band;
  /** Empty when the supplier declares no line with a share: its spend is then unallocated. */
  slices: ContributionSlice[];
}

const BANDS: readonly Band[] = ['low', 'medium', 'high', 'critical'];

/**
 * The spend a supplier brings to the portfolio. A null `annualSpendUsd` (or anything that is not a finite,
 * non-negative number) counts as 0: the supplier still counts in every supplier count, but weighs nothing.
 */
export function supplierSpend(s: Pick<ScoredSupplier, 'annualSpendUsd'>): number {
  const v = s.annualSpendUsd;
  return v !== null && Number.isFinite(v) && v > 0 ? v : 0;
}

const micro = (usd: number) => Math.round(usd * MICRO_PER_USD);
/** Scores are kept to one decimal by the model: tenths are exact. */
const tenths = (score: number) => Math.round(score * 10);

/**
 * The supplier's spend over its minerals equally, and within a mineral over its lines by line share (normalised so
 * the pieces add up to the supplier's spend even where rounded shares do not sum to exactly 1). Lines carrying no
 * share are not exposure and are left out.
 */
export function contributionOf(s: ScoredSupplier): Contribution {
  const spend = supplierSpend(s);
  const minerals = s.minerals.filter((m) => m.lines.some((l) => l.share > 0));
  const slices: ContributionSlice[] = [];
  const perMineral = minerals.length > 0 ? spend / minerals.length : 0;
  for (const m of minerals) {
    const lines = m.lines.filter((l) => l.share > 0);
    const shareSum = lines.reduce((a, l) => a + l.share, 0);
    for (const l of lines)
      slices.push({
        mineral: m.mineral,
        country: l.originCountry,
        spend: micro((perMineral * l.share) / shareSum),
        score10: tenths(m.score),
      });
  }
  return { spend: micro(spend), score10: tenths(s.score), band: s.band, slices };
}

/** Format version of the compact form, first element of its array. */
const FORMAT = 1;

/** The contribution as a short JSON string (an attribute of the supplier item, ~40 bytes + ~20 per line). */
export function encodeContribution(c: Contribution): string {
  return JSON.stringify([
    FORMAT,
    c.spend,
    c.score10,
    BANDS.indexOf(c.band),
    c.slices.map((x) => [x.mineral, x.country, x.spend, x.score10]),
  ]);
}

export class InvalidContributionError extends MineralRiskError {
  readonly retryable = false;
  constructor(text: string) {
    super(`not a stored portfolio contribution: ${text.slice(0, 80)}`);
    this.name = 'InvalidContributionError';
  }
}

export function decodeContribution(text: string): Contribution {
  const v = JSON.parse(text) as unknown;
  if (!Array.isArray(v) || v[0] !== FORMAT || v.length !== 5) throw new InvalidContributionError(text);
  const [, spend, score10, band, slices] = v as [number, number, number, number, [string, string, number, number][]];
  const b = BANDS[band];
  if (b === undefined || !Array.isArray(slices)) throw new InvalidContributionError(text);
  return {
    spend,
    score10,
    band: b,
    slices: slices.map(([mineral, country, sliceSpend, sliceScore]) => ({
      mineral,
      country,
      spend: sliceSpend,
      score10: sliceScore,
    })),
  };
}
