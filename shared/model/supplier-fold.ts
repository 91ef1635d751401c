/**
 * How a supplier's lines and minerals fold into its score: shares of undeclared lines, the mitigation factor, the
 * combination of mineral scores and its attribution back to the minerals for the drivers. Pure arithmetic.
 */
import { PARAMS } from './params.ts';
import type { Exposure } from './types.ts';

/**
 * Shares stated on lines are used as given; lines without a share split the undeclared remainder equally.
 * Validation upstream guarantees stated shares sum to at most 1.
 */
export function allocateShares(exposures: readonly Exposure[]): number[] {
  let stated = 0;
  let unstated = 0;
  for (const e of exposures) {
    if (e.share === null) unstated++;
    else stated += e.share;
  }
  const each = unstated > 0 ? Math.max(0, 1 - stated) / unstated : 0;
  return exposures.map((e) => (e.share === null ? each : e.share));
}

/** M = (1 − a·(1 − ½ⁿ)) · (1 − b·min(d, cap)/cap): qualified alternatives and inventory cover lower the score. */
export function mitigationFactor(alternativeSources: number, inventoryDays: number): number {
  const alt = PARAMS.alternativesMaxRelief * (1 - 0.5 ** Math.max(0, alternativeSources));
  const inv =
    PARAMS.inventoryMaxRelief *
    (Math.min(Math.max(0, inventoryDays), PARAMS.inventoryCapDays) / PARAMS.inventoryCapDays);
  return (1 - alt) * (1 - inv);
}

/**
 * Supplier score from its mineral scores: the worst mineral, plus `breadth` of the headroom above it scaled by the
 * mean of the others. Never below the worst mineral; non-decreasing in every mineral's score.
 */
export function combineMinerals(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  let worst = 0;
  let sum = 0;
  for (const s of scores) {
    worst = Math.max(worst, s);
    sum += s;
  }
  if (scores.length === 1) return worst;
  const meanOthers = (sum - worst) / (scores.length - 1);
  return Math.min(100, worst + PARAMS.breadthWeight * (100 - worst) * (meanOthers / 100));
}

/**
 * How `combineMinerals` attributes the supplier score to its minerals, for the drivers: the worst mineral (the first
 * of `scores`, sorted worst first) counts in full, each other one through the breadth term, so that
 * Σ weight·score = the supplier score (below the cap of 100).
 */
export function mineralWeights(scores: readonly number[]): number[] {
  const worst = scores[0] ?? 0;
  const others = (PARAMS.breadthWeight * ((100 - worst) / 100)) / Math.max(1, scores.length - 1);
  return scores.map((_, i) => (i === 0 ? 1 : others));
}
