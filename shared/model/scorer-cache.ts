import type { ReferenceData } from '../reference/index.ts';
import { createScorer, type Scorer } from './score.ts';
import type { ScoringContext } from './types.ts';

/**
 * One scorer per (reference data, as-of date, buyer, end use), kept across calls: a warm function or server reuses
 * its per-route caches instead of recomputing every stage for every request. Bounded: contexts are few.
 */
const scorers = new Map<string, { ref: ReferenceData; scorer: Scorer }>();
const MAX_SCORERS = 64;

export function cachedScorer(ref: ReferenceData, ctx: ScoringContext): Scorer {
  const key = `${ref.dataVersion}|${ctx.asOf}|${ctx.buyerCountry}|${ctx.endUse}`;
  const hit = scorers.get(key);
  // A different dataset with the same version cannot exist (the version hashes the data), but the object may differ.
  if (hit && hit.ref === ref) return hit.scorer;
  if (scorers.size >= MAX_SCORERS) scorers.clear();
  const scorer = createScorer(ref, ctx);
  scorers.set(key, { ref, scorer });
  return scorer;
}
