/**
 * What a stored score keeps (issue 12): what cannot be recomputed — the score, band, worst line and largest drivers
 * as computed, with the as-of date, buyer and versions that pin them. The full breakdown (minerals, lines, stages,
 * driver texts) is recomputed from the input when read: scoring is microseconds and deterministic, so with the same
 * versions it is the very breakdown that was computed; with others, the answer says which versions computed it.
 */
import { summarise } from '../changes/change-record.ts';
import type { ReferenceData } from '../reference/index.ts';
import { cachedScorer } from './scorer-cache.ts';
import type { Band, Driver, ScoredSupplier, SupplierInput } from './types.ts';

/** A driver as stored: what it is about and its points; its wording is the breakdown's, recomputed. */
export type StoredDriver = Pick<Driver, 'points' | 'mineral' | 'country'>;

export interface StoredScore {
  score: number;
  band: Band;
  worst: ScoredSupplier['worst'];
  /** The largest drivers, as a change record's summary keeps them (SUMMARY_DRIVERS, largest first). */
  drivers: StoredDriver[];
  asOf: string;
  buyerCountry: string;
  modelVersion: string;
  dataVersion: string;
}

export function storedScoreOf(r: ScoredSupplier): StoredScore {
  return {
    score: r.score,
    band: r.band,
    worst: r.worst,
    // A mitigant rounded to nothing is -0 points; stored as JSON it is 0 (JSON has no -0): the same summary either way.
    drivers: summarise(r).drivers.map((d) => ({
      points: d.points === 0 ? 0 : d.points,
      mineral: d.mineral,
      country: d.country,
    })),
    asOf: r.asOf,
    buyerCountry: r.buyerCountry,
    modelVersion: r.modelVersion,
    dataVersion: r.dataVersion,
  };
}

/** The versions a read recomputed with, and what was stored, when they differ from the stored score's. */
export interface Recomputed {
  modelVersion: string;
  dataVersion: string;
  stored: Pick<StoredScore, 'score' | 'band' | 'modelVersion' | 'dataVersion'>;
}

/**
 * The full result of a stored score, recomputed with the running model and `ref` for its as-of date and buyer.
 * `recomputedWith` is null when they are the versions it was stored with (the result is then the stored one, exactly);
 * else the breakdown is today's model and data on the stored input, and may differ from the stored score.
 */
export function recomputeScore(
  ref: ReferenceData,
  input: SupplierInput,
  stored: StoredScore,
): { result: ScoredSupplier; recomputedWith: Recomputed | null } {
  const result = cachedScorer(ref, { asOf: stored.asOf, buyerCountry: stored.buyerCountry, endUse: 'civil' }).score(
    input,
  );
  const same = result.modelVersion === stored.modelVersion && result.dataVersion === stored.dataVersion;
  return {
    result,
    recomputedWith: same
      ? null
      : {
          modelVersion: result.modelVersion,
          dataVersion: result.dataVersion,
          stored: {
            score: stored.score,
            band: stored.band,
            modelVersion: stored.modelVersion,
            dataVersion: stored.dataVersion,
          },
        },
  };
}
