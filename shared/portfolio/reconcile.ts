/**
 * Reconciliation (issue 12): a full recount of every tenant's portfolio from its stored suppliers, replacing the
 * incrementally maintained aggregates. It repairs what the incremental path can lose — a delta dropped by a crash
 * between a supplier write and its aggregate update — and is run periodically (daily, after the rescore runs). The
 * time taken before the scan starts is the recount's watermark: deltas logged after it are added on top (aggregate-log.ts).
 * A small table is recounted here, in one invocation over parallel segments; a large one is fanned out over a queue
 * (recount-run.ts), with the same segment scan and the same merge.
 */
import {
  addToRecount,
  emptyRecount,
  mergeRecounts,
  type RecountPartial,
  recountedTenants,
} from '../model/portfolio-recount.ts';
import type { ContributionScan, PortfolioAggregates } from './port.ts';

export interface ReconcileDeps {
  scan: ContributionScan;
  aggregates: PortfolioAggregates;
  now: () => Date;
  /** Parallel scan segments. */
  segments?: number;
}

export interface ReconcileResult {
  tenants: number;
  suppliers: number;
}

/** One segment of the table's parallel scan, every page of it, as a recount partial. */
export async function recountSegment(
  scan: ContributionScan,
  segment: number,
  totalSegments: number,
): Promise<RecountPartial> {
  const partial = emptyRecount();
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<ContributionScan['scan']>> = await scan.scan(segment, totalSegments, cursor);
    addToRecount(partial, page);
    cursor = page.cursor;
  } while (cursor);
  return partial;
}

/** Replaces every tenant's aggregates with the recount whose scan started at `at`. */
export async function applyRecount(
  aggregates: PortfolioAggregates,
  recount: RecountPartial,
  at: string,
): Promise<ReconcileResult> {
  const tenants = recountedTenants(recount);
  for (const [tenant, aggregate] of tenants) await aggregates.replace(tenant, aggregate, at);
  return { tenants: tenants.length, suppliers: recount.suppliers };
}

export async function reconcilePortfolios(deps: ReconcileDeps): Promise<ReconcileResult> {
  const segments = deps.segments ?? 4;
  // Before the scan: a delta logged up to now was logged after its supplier writes, which the scan will see.
  const at = deps.now().toISOString();
  const partials = await Promise.all(
    Array.from({ length: segments }, (_, segment) => recountSegment(deps.scan, segment, segments)),
  );
  return applyRecount(deps.aggregates, mergeRecounts(partials), at);
}
