/**
 * Folds a tenant's portfolio deltas while its uploads are scored, so the first read after a large upload finds few
 * pending (issue 12): the chunk that completes its batch folds, and so does every PORTFOLIO_LOG.foldEveryChunks-th
 * chunk counted on the way (a batch's counter gives each count once), so no one fold takes a huge upload's deltas.
 * Only settled deltas fold (shared/model/portfolio-fold.ts): the last seconds of an upload wait for the next fold or
 * read. A fold is an economy — a read answers rightly without it — so a failed fold fails nothing: it is reported.
 */
import { PORTFOLIO_LOG } from '../model/portfolio-fold.ts';
import type { BatchRecord } from '../store/batch-port.ts';
import type { PortfolioFolds } from './port.ts';

export interface FoldAfterChunkDeps {
  folds: PortfolioFolds;
  /** Where a failed fold is reported (it fails nothing else). */
  onError?: (error: unknown) => void;
}

const ENDED: ReadonlySet<BatchRecord['status']> = new Set(['completed', 'completed_with_errors', 'failed']);

/** Whether the batch as it stands after counting a chunk is due a fold. */
export const dueForFold = (batch: Pick<BatchRecord, 'status' | 'chunksDone'>): boolean =>
  ENDED.has(batch.status) || (batch.chunksDone > 0 && batch.chunksDone % PORTFOLIO_LOG.foldEveryChunks === 0);

/** Folds the batch's tenant when due; how many deltas it folded (0: not due, none settled, or the fold failed). */
export async function foldAfterChunk(
  deps: FoldAfterChunkDeps,
  batch: Pick<BatchRecord, 'tenant' | 'status' | 'chunksDone'>,
): Promise<number> {
  if (!dueForFold(batch)) return 0;
  try {
    return await deps.folds.fold(batch.tenant);
  } catch (error) {
    deps.onError?.(error);
    return 0;
  }
}
