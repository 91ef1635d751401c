import { recomputeScore } from '../../shared/model/stored-score.ts';
import type { ScoredSupplier } from '../../shared/model/types.ts';
import { type ReferenceData, referenceData } from '../../shared/reference/index.ts';
import type { StoredSupplier } from '../../shared/store/supplier-port.ts';

/**
 * A stored supplier's full result as a reader gets it (recomputed from the stored input); fails when the stored
 * versions are not `ref`'s, so a comparison with freshly computed results compares like with like.
 */
export function storedResult(s: StoredSupplier, ref: ReferenceData = referenceData()): ScoredSupplier {
  const { result, recomputedWith } = recomputeScore(ref, s.input, s.summary);
  if (recomputedWith)
    throw new Error(`${s.supplierId} was stored with ${s.summary.dataVersion}, not ${ref.dataVersion}`);
  return result;
}
