/**
 * Reconciliation (issue 12): a full recount of every tenant's portfolio from its stored suppliers, replacing the
 * incrementally maintained aggregates. It repairs what the incremental path can lose — a delta dropped by a crash
 * between a supplier write and its aggregate update — and is run periodically (daily, after the rescore runs). The
 * time taken before the scan starts is the recount's watermark: deltas logged after it are added on top (aggregate-log.ts).
 */
import { type Aggregate, applyContribution, normalise } from '../model/portfolio-aggregate.ts';
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

export async function reconcilePortfolios(deps: ReconcileDeps): Promise<ReconcileResult> {
  const segments = deps.segments ?? 4;
  // Before the scan: a delta logged up to now was logged after its supplier writes, which the scan will see.
  const at = deps.now().toISOString();
  const recount = new Map<string, Aggregate>();
  const tenants = new Set<string>();
  let suppliers = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ContributionScan['scan']>> = await deps.scan.scan(segment, segments, cursor);
        for (const t of page.aggregateTenants) tenants.add(t);
        for (const { tenant, contribution } of page.contributions) {
          let agg = recount.get(tenant);
          if (!agg) {
            agg = new Map();
            recount.set(tenant, agg);
          }
          applyContribution(agg, contribution, 1);
          tenants.add(tenant);
          suppliers++;
        }
        cursor = page.cursor;
      } while (cursor);
    }),
  );
  for (const tenant of [...tenants].sort())
    await deps.aggregates.replace(tenant, normalise(recount.get(tenant) ?? new Map()), at);
  return { tenants: tenants.size, suppliers };
}
