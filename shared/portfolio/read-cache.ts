/**
 * A tenant's aggregates, read at most about once per `ttlMs` per process: a read is the snapshot and the deltas not
 * yet folded into it (8 queries), so the API keeps the sum briefly. Past `ttlMs` the kept sum is
 * still answered while one refresh runs (stale-while-revalidate), so no request waits for a read unless the kept one
 * is older than `maxStaleMs` or there is none. The answer says when its aggregates were read (`readAt`).
 */
import type { PortfolioAggregates, StoredAggregate } from './port.ts';

/** How long a read is reused before a refresh starts: a write shows within about a second. */
export const PORTFOLIO_READ_CACHE_MS = 1_000;
/** Beyond this a kept read is not answered: the request waits for a fresh one. */
export const PORTFOLIO_READ_MAX_STALE_MS = 10_000;
/** Tenants kept per process (a map, cleared when full). */
const MAX_TENANTS = 1_000;

interface Entry {
  at: number;
  value: StoredAggregate;
  refreshing: Promise<StoredAggregate> | null;
}

export function withReadCache(
  aggregates: PortfolioAggregates,
  options: { ttlMs?: number; maxStaleMs?: number; now?: () => number } = {},
): PortfolioAggregates {
  const ttl = options.ttlMs ?? PORTFOLIO_READ_CACHE_MS;
  const maxStale = options.maxStaleMs ?? PORTFOLIO_READ_MAX_STALE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const first = new Map<string, Promise<StoredAggregate>>();

  const refresh = (tenant: string, entry: Entry | undefined): Promise<StoredAggregate> => {
    const started = now();
    const read = aggregates.read(tenant).then((value) => {
      if (cache.size >= MAX_TENANTS && !cache.has(tenant)) cache.clear();
      cache.set(tenant, { at: started, value, refreshing: null });
      return value;
    });
    if (entry) {
      entry.refreshing = read;
      // A failed refresh leaves the kept read; the next request past the ttl tries again.
      read.catch(() => {
        entry.refreshing = null;
      });
    }
    return read;
  };

  return {
    apply: (tenant, delta, at) => aggregates.apply(tenant, delta, at),
    replace: (tenant, aggregate, at) => aggregates.replace(tenant, aggregate, at),
    async read(tenant) {
      const entry = cache.get(tenant);
      if (entry) {
        const age = now() - entry.at;
        if (age < ttl) return entry.value;
        if (!entry.refreshing) void refresh(tenant, entry).catch(() => undefined);
        if (age < maxStale) return entry.value;
        return entry.refreshing ?? refresh(tenant, entry);
      }
      // No read kept yet: concurrent first requests share one.
      let pending = first.get(tenant);
      if (!pending) {
        pending = refresh(tenant, undefined).finally(() => first.delete(tenant));
        first.set(tenant, pending);
      }
      return pending;
    },
  };
}
