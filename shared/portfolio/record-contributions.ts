/**
 * Keeps a tenant's portfolio aggregates in step with its supplier writes: each call's writes are summed into one
 * delta (new contributions in, the ones they replaced out) and added to the aggregates in one go, so a chunk of a
 * large upload costs one small delta item (aggregate-log.ts), not a write per supplier. The store reports only the writes
 * it made — a redelivered write finds its item already stored and reports nothing — so nothing is added twice. A
 * crash between the supplier writes and this update loses their delta until the next reconciliation (reconcile.ts).
 */
import { type Aggregate, addAggregate, contributionDelta, normalise } from '../model/portfolio-aggregate.ts';
import type { SupplierStore } from '../store/port.ts';
import type { ContributionChange, PortfolioAggregates } from './port.ts';

/** The sum of the writes' deltas (zero cells dropped). */
export function deltaOf(changes: readonly ContributionChange[]): Aggregate {
  const agg: Aggregate = new Map();
  for (const c of changes) addAggregate(agg, contributionDelta(c.before, c.after));
  return normalise(agg);
}

export async function recordContributions(
  aggregates: PortfolioAggregates,
  tenant: string,
  changes: readonly ContributionChange[],
  at: string,
): Promise<void> {
  const delta = deltaOf(changes);
  if (delta.size === 0) return;
  await aggregates.apply(tenant, delta, at);
}

type Writes = Pick<SupplierStore, 'putScored' | 'deleteSupplier'>;

/**
 * The store with its writes followed by the aggregates: every other method is the store's own (the returned object
 * delegates to it through its prototype), so it wraps whatever store interface `S` is.
 */
export function withPortfolioAggregates<S extends Writes>(
  store: S,
  aggregates: PortfolioAggregates,
  now: () => Date = () => new Date(),
): S {
  const follow = async <R>(tenant: string, write: (changes: ContributionChange[]) => Promise<R>): Promise<R> => {
    const changes: ContributionChange[] = [];
    try {
      return await write(changes);
    } finally {
      // What was written counts even when part of the call failed (its retry reports only what it writes then).
      await recordContributions(aggregates, tenant, changes, now().toISOString());
    }
  };
  const wrapped: Writes = {
    putScored: (tenant, mode, items, options = {}) =>
      follow(tenant, (contributions) => store.putScored(tenant, mode, items, { ...options, contributions })),
    deleteSupplier: (tenant, supplierId, version, options = {}) =>
      follow(tenant, (contributions) =>
        store.deleteSupplier(tenant, supplierId, version, { ...options, contributions }),
      ),
  };
  return Object.assign(Object.create(store) as S, wrapped);
}
