import { type Aggregate, addAggregate, normalise } from '../../shared/model/portfolio-aggregate.ts';
import type { Contribution } from '../../shared/model/portfolio-contribution.ts';
import type { ContributionScan, PortfolioAggregates, StoredAggregate } from '../../shared/portfolio/port.ts';

/** The aggregates in memory: sums per tenant, with a log of the deltas applied and the reads made. */
export class FakePortfolioAggregates implements PortfolioAggregates {
  readonly byTenant = new Map<
    string,
    { aggregate: Aggregate; updatedAt: string | null; reconciledAt: string | null }
  >();
  readonly applied: { tenant: string; delta: Aggregate; shardKey: string }[] = [];
  reads = 0;

  private of(tenant: string) {
    let t = this.byTenant.get(tenant);
    if (!t) {
      t = { aggregate: new Map(), updatedAt: null, reconciledAt: null };
      this.byTenant.set(tenant, t);
    }
    return t;
  }

  async apply(tenant: string, delta: Aggregate, shardKey: string, at: string): Promise<void> {
    this.applied.push({ tenant, delta, shardKey });
    const t = this.of(tenant);
    addAggregate(t.aggregate, delta);
    t.updatedAt = at;
  }

  async read(tenant: string): Promise<StoredAggregate> {
    this.reads++;
    const t = this.of(tenant);
    return { aggregate: normalise(t.aggregate), updatedAt: t.updatedAt, reconciledAt: t.reconciledAt, readAt: 'now' };
  }

  async replace(tenant: string, aggregate: Aggregate, at: string): Promise<void> {
    this.byTenant.set(tenant, { aggregate: normalise(aggregate), updatedAt: at, reconciledAt: at });
  }
}

/** A scan over fixed contributions, split over the segments by position, two per page. */
export function fakeContributionScan(
  rows: readonly { tenant: string; contribution: Contribution }[],
  aggregateTenants: readonly string[] = [],
): ContributionScan {
  return {
    async scan(segment, totalSegments, cursor) {
      const mine = rows.filter((_, i) => i % totalSegments === segment);
      const start = cursor ? Number(cursor) : 0;
      const page = mine.slice(start, start + 2);
      const next = start + 2 < mine.length ? String(start + 2) : null;
      return {
        contributions: page,
        aggregateTenants: segment === 0 && start === 0 ? [...aggregateTenants] : [],
        cursor: next,
      };
    },
  };
}
