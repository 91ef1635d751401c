/** Port of a batch's rejected rows (kept for the batch's error listing). */
import type { Rejection } from '../supplier-list/row.ts';

export interface RejectionStore {
  putRejections(tenant: string, batchId: string, rejections: readonly Rejection[]): Promise<void>;
  /** In row order, after row `after` (the previous page's `next`). */
  listRejections(
    tenant: string,
    batchId: string,
    options?: { limit?: number; after?: number },
  ): Promise<{ items: Rejection[]; next: number | null }>;
}
