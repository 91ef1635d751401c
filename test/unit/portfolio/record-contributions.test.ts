/**
 * The use cases of the portfolio aggregates through in-memory fakes: a store call's writes become one delta (what a
 * redelivery does not report is not added), the wrapped store keeps every other method, the recount replaces what
 * drifted, and the API's read cache reuses a read, refreshes it in the background, and says when it was read.
 */
import { describe, expect, it } from 'vitest';
import { exposureOfAggregate, portfolioExposure } from '../../../shared/model/portfolio.ts';
import { aggregateOf, contributionDelta } from '../../../shared/model/portfolio-aggregate.ts';
import { contributionOf } from '../../../shared/model/portfolio-contribution.ts';
import { createScorer } from '../../../shared/model/score.ts';
import type { ScoredSupplier } from '../../../shared/model/types.ts';
import type { ContributionChange } from '../../../shared/portfolio/port.ts';
import { withReadCache } from '../../../shared/portfolio/read-cache.ts';
import { reconcilePortfolios } from '../../../shared/portfolio/reconcile.ts';
import {
  deltaOf,
  recordContributions,
  withPortfolioAggregates,
} from '../../../shared/portfolio/record-contributions.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import type { SupplierStore, WriteOptions } from '../../../shared/store/port.ts';
import { FakePortfolioAggregates, fakeContributionScan } from '../../helpers/fake-portfolio.ts';
import { context, line, supplier } from '../../helpers/supplier-input.ts';

const scorer = createScorer(referenceData(), context('2026-12-01', 'US'));
const scored = (id: string, spend: number, mineral = 'cobalt', country = 'CD'): ScoredSupplier =>
  scorer.score(supplier({ supplierId: id, annualSpendUsd: spend, exposures: [line(mineral, country, null, 0.8)] }));

const a = scored('A', 1_000_000);
const b = scored('B', 250_000, 'gallium', 'CN');
const a2 = scored('A', 400_000, 'lithium', 'AU');

describe('recordContributions', () => {
  it('adds one delta per call: the new contributions in, the replaced ones out', async () => {
    const agg = new FakePortfolioAggregates();
    const changes: ContributionChange[] = [
      { supplierId: 'A', before: null, after: contributionOf(a) },
      { supplierId: 'B', before: null, after: contributionOf(b) },
    ];
    await recordContributions(agg, 't', changes, '2026-12-01T00:00:00Z');
    await recordContributions(
      agg,
      't',
      [{ supplierId: 'A', before: contributionOf(a), after: contributionOf(a2) }],
      'x',
    );
    expect(agg.applied).toHaveLength(2);
    expect((await agg.read('t')).aggregate).toEqual(aggregateOf([contributionOf(a2), contributionOf(b)]));
  });

  it('writes nothing when the writes change nothing the portfolio sees (or there are none)', async () => {
    const agg = new FakePortfolioAggregates();
    await recordContributions(agg, 't', [], 'x');
    await recordContributions(
      agg,
      't',
      [{ supplierId: 'A', before: contributionOf(a), after: contributionOf(a) }],
      'x',
    );
    expect(agg.applied).toEqual([]);
    expect(deltaOf([{ supplierId: 'A', before: contributionOf(a), after: contributionOf(a) }]).size).toBe(0);
  });
});

/** A store that reports the writes it is told to, as the DynamoDB store does (none for a redelivery). */
function fakeStore(reports: ContributionChange[][]) {
  const calls: string[] = [];
  const store = {
    tableName: 'kept',
    async putScored(_t: string, _m: string, _i: unknown[], options: WriteOptions = {}) {
      calls.push('putScored');
      options.contributions?.push(...(reports.shift() ?? []));
      return { stored: 1, superseded: 0, rowsStored: 1, rowsSuperseded: 0 };
    },
    async deleteSupplier(_t: string, _s: string, _v: number, options: Pick<WriteOptions, 'contributions'> = {}) {
      calls.push('deleteSupplier');
      options.contributions?.push(...(reports.shift() ?? []));
      return 'deleted' as const;
    },
    async getBatch() {
      calls.push('getBatch');
      return null;
    },
  };
  return { store: store as unknown as SupplierStore & { tableName: string }, calls };
}

describe('withPortfolioAggregates', () => {
  it('follows puts and deletes, adds nothing for a redelivery, and keeps the store’s other methods', async () => {
    const { store, calls } = fakeStore([
      [{ supplierId: 'A', before: null, after: contributionOf(a) }],
      [], // the same message again: the store found it stored and reported nothing
      [{ supplierId: 'A', before: contributionOf(a), after: null }],
    ]);
    const agg = new FakePortfolioAggregates();
    const wrapped = withPortfolioAggregates(store, agg, () => new Date('2026-12-01T00:00:00Z'));
    await wrapped.putScored('t', 'upsert', []);
    await wrapped.putScored('t', 'upsert', []);
    expect((await agg.read('t')).aggregate).toEqual(aggregateOf([contributionOf(a)]));
    await wrapped.deleteSupplier('t', 'A', 2);
    expect((await agg.read('t')).aggregate.size).toBe(0);
    expect(await wrapped.getBatch('t', 'b')).toBeNull();
    expect(wrapped.tableName).toBe('kept');
    expect(calls).toEqual(['putScored', 'putScored', 'deleteSupplier', 'getBatch']);
    // One delta per call that wrote something: the redelivery that wrote nothing adds none.
    expect(agg.applied).toHaveLength(2);
  });

  it('adds what was written even when part of the call failed', async () => {
    const agg = new FakePortfolioAggregates();
    const store = {
      async putScored(_t: string, _m: string, _i: unknown[], options: WriteOptions = {}) {
        options.contributions?.push({ supplierId: 'B', before: null, after: contributionOf(b) });
        throw new Error('one write failed');
      },
      async deleteSupplier() {
        return 'absent' as const;
      },
    };
    await expect(withPortfolioAggregates(store, agg).putScored('t', 'upsert', [])).rejects.toThrow('one write failed');
    expect((await agg.read('t')).aggregate).toEqual(aggregateOf([contributionOf(b)]));
  });
});

describe('reconcilePortfolios', () => {
  it('replaces every tenant’s aggregates with the recount, and clears a tenant left without suppliers', async () => {
    const agg = new FakePortfolioAggregates();
    await agg.apply('t1', contributionDelta(null, contributionOf(b)), 'x'); // drifted: B is not stored
    await agg.apply('gone', contributionDelta(null, contributionOf(a)), 'x');
    const rows = [a, b, a2].map((s, i) => ({ tenant: i === 2 ? 't2' : 't1', contribution: contributionOf(s) }));
    const result = await reconcilePortfolios({
      scan: fakeContributionScan(rows, ['t1', 'gone']),
      aggregates: agg,
      now: () => new Date('2026-12-02T04:45:00Z'),
      segments: 2,
    });
    expect(result).toEqual({ tenants: 3, suppliers: 3 });
    const t1 = await agg.read('t1');
    expect(exposureOfAggregate(t1.aggregate, ['mineral'])).toEqual(portfolioExposure([a, b], ['mineral']));
    expect(t1.reconciledAt).toBe('2026-12-02T04:45:00.000Z');
    expect((await agg.read('t2')).aggregate).toEqual(aggregateOf([contributionOf(a2)]));
    expect((await agg.read('gone')).aggregate.size).toBe(0);
  });
});

describe('withReadCache', () => {
  it('reuses a read for the ttl, then answers the kept one while one refresh runs', async () => {
    const agg = new FakePortfolioAggregates();
    let now = 0;
    const cached = withReadCache(agg, { ttlMs: 1000, maxStaleMs: 10_000, now: () => now });
    await Promise.all([cached.read('t'), cached.read('t')]);
    expect(agg.reads).toBe(1);
    await agg.apply('t', contributionDelta(null, contributionOf(a)), 'x');
    now = 500;
    expect((await cached.read('t')).aggregate.size).toBe(0);
    now = 1500;
    expect((await cached.read('t')).aggregate.size).toBe(0); // the kept read, a refresh started
    await new Promise((r) => setTimeout(r, 0));
    expect(agg.reads).toBe(2);
    expect((await cached.read('t')).aggregate).toEqual(aggregateOf([contributionOf(a)]));
  });

  it('waits for a fresh read when the kept one is older than maxStale', async () => {
    const agg = new FakePortfolioAggregates();
    let now = 0;
    const cached = withReadCache(agg, { ttlMs: 1000, maxStaleMs: 5000, now: () => now });
    await cached.read('t');
    await agg.apply('t', contributionDelta(null, contributionOf(a)), 'x');
    now = 6000;
    expect((await cached.read('t')).aggregate).toEqual(aggregateOf([contributionOf(a)]));
  });
});
