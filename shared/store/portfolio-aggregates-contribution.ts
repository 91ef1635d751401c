/**
 * The supplier item's `contribution` attribute: its compact portfolio contribution (shared/model/portfolio-
 * contribution.ts), written with every score, so the contribution a write replaces is read from the item as it was
 * (ReturnValues ALL_OLD) — the portfolio aggregates then take each write's delta without another read.
 */
import {
  type Contribution,
  contributionOf,
  decodeContribution,
  encodeContribution,
} from '../model/portfolio-contribution.ts';
import { recomputeScore } from '../model/stored-score.ts';
import type { ScoredSupplier } from '../model/types.ts';
import type { ContributionChange } from '../portfolio/port.ts';
import type { ReferenceData } from '../reference/index.ts';
import { decodeSummary, INPUT_ATTRIBUTE, inputOfItem } from './supplier-items.ts';

export const CONTRIBUTION_ATTRIBUTE = 'contribution';

/** The attribute to write beside a score. */
export const contributionAttribute = (result: ScoredSupplier): { contribution: string } => ({
  [CONTRIBUTION_ATTRIBUTE]: encodeContribution(contributionOf(result)),
});

/**
 * The contribution of a stored item: none for no item or a tombstone; from the full result for an item written
 * before the attribute existed. A compact item (supplier-items.ts) always has the attribute; without it, and given
 * `ref`, its result is recomputed from its input, keeping the stored score and band (the slices' mineral scores are
 * then `ref`'s).
 */
export function contributionOfItem(
  item: Record<string, unknown> | undefined,
  ref?: ReferenceData,
): Contribution | null {
  if (!item || item.deletedAt !== undefined) return null;
  const stored = item[CONTRIBUTION_ATTRIBUTE];
  if (typeof stored === 'string') return decodeContribution(stored);
  if (typeof item.result === 'string') return contributionOf(JSON.parse(item.result) as ScoredSupplier);
  const summary = typeof item.summary === 'string' ? decodeSummary(item.summary) : null;
  if (!ref || !summary || typeof item[INPUT_ATTRIBUTE] !== 'string') return null;
  const { result } = recomputeScore(ref, inputOfItem(item), summary);
  return contributionOf({ ...result, score: summary.score, band: summary.band });
}

/** What a write changed for the portfolio, from the item as it was and the score written (null: a delete). */
export const contributionChange = (
  supplierId: string,
  old: Record<string, unknown> | undefined,
  after: ScoredSupplier | null,
): ContributionChange => ({
  supplierId,
  before: contributionOfItem(old),
  after: after ? contributionOf(after) : null,
});
