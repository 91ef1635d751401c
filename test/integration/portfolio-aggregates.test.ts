/**
 * The portfolio aggregates on the local runtime (dynalite, the real score function and store): what they answer
 * equals the answer computed from every stored supplier, after an upload, a redelivered chunk (nothing doubles), a
 * new version, a delete, and a reconciliation repairing a lost update.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exposureOfAggregate, type GroupDimension, portfolioExposure } from '../../shared/model/portfolio.ts';
import { contributionDelta } from '../../shared/model/portfolio-aggregate.ts';
import { contributionOf } from '../../shared/model/portfolio-contribution.ts';
import { type Pipeline, scoreMessage, scoreRecord, startPipeline, supplierInput } from '../helpers/pipeline.ts';
import { lambdaContext, sqsEvent } from '../helpers/sqs-events.ts';
import { storedResult } from '../helpers/stored.ts';
import { allSuppliers } from '../helpers/tenant-suppliers.ts';

const SAMPLE = 'events/suppliers/sample.csv';
const GROUPINGS: GroupDimension[][] = [[], ['mineral'], ['country'], ['mineral', 'country']];

const running: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function pipeline(): Promise<Pipeline> {
  const p = await startPipeline();
  running.push(p);
  return p;
}

/** The aggregates' answer and the full read's, for every grouping. */
async function answers(p: Pipeline, tenant: string) {
  const stored = await p.portfolio.read(tenant);
  const suppliers = (await allSuppliers(p.store, tenant)).map((s) => storedResult(s));
  return {
    aggregates: GROUPINGS.map((g) => exposureOfAggregate(stored.aggregate, g)),
    fullRead: GROUPINGS.map((g) => portfolioExposure(suppliers, g)),
    suppliers: suppliers.length,
    stored,
  };
}

const suppliers = [
  supplierInput('P-1', [
    ['cobalt', 'CD', null],
    ['lithium', 'AU', 'CN'],
  ]),
  supplierInput('P-2', [['gallium', 'CN', null]]),
  supplierInput('P-3', [['graphite', 'CN', null]]),
].map((s, i) => ({
  ...s,
  annualSpendUsd: 1_000_000 * (i + 1) + 0.37,
  // 70% declared: the rest is an unknown origin (the WORLD group).
  exposures: s.exposures.map((e) => ({ ...e, share: (e.share ?? 1) * 0.7 })),
}));

describe('portfolio aggregates on the local runtime', () => {
  it('after an upload through the pipeline, answer exactly what the full read of the stored suppliers answers', async () => {
    const p = await pipeline();
    await p.upload(SAMPLE, { tenant: 'acme', batchId: 'b-1', asOf: '2026-03-01', buyerCountry: 'US' });
    expect((await p.waitForBatch('acme', 'b-1', { timeoutMs: 20_000 })).status).toBe('completed');
    const a = await answers(p, 'acme');
    expect(a.suppliers).toBeGreaterThan(0);
    expect(a.aggregates).toEqual(a.fullRead);
    expect(a.stored.updatedAt).not.toBeNull();
    expect(a.stored.reconciledAt).toBeNull();
  });

  it('a chunk delivered twice adds once; a new version replaces its old contribution; a delete removes it', async () => {
    const p = await pipeline();
    const tenant = 't-agg';
    const message = scoreMessage({
      tenant,
      batchId: null,
      chunk: null,
      asOf: '2026-03-01',
      suppliers: suppliers.map((input) => ({ inputVersion: 1000, input })),
    });
    const event = sqsEvent(scoreRecord(message));
    expect((await p.handlers.score(event, lambdaContext())).batchItemFailures).toEqual([]);
    const once = await answers(p, tenant);
    expect(once.aggregates).toEqual(once.fullRead);
    expect(once.aggregates[0]?.totals.suppliers).toBe(3);

    expect((await p.handlers.score(event, lambdaContext())).batchItemFailures).toEqual([]);
    const twice = await answers(p, tenant);
    expect(twice.aggregates).toEqual(once.aggregates);

    const changed = { ...(suppliers[1] as (typeof suppliers)[number]), annualSpendUsd: 42_000 };
    const update = scoreMessage({
      tenant,
      batchId: null,
      chunk: null,
      asOf: '2026-03-01',
      suppliers: [{ inputVersion: 2000, input: changed }],
    });
    expect((await p.handlers.score(sqsEvent(scoreRecord(update)), lambdaContext())).batchItemFailures).toEqual([]);
    const updated = await answers(p, tenant);
    expect(updated.aggregates).toEqual(updated.fullRead);
    expect(updated.aggregates[0]?.totals.spendUsd).not.toBe(once.aggregates[0]?.totals.spendUsd);

    expect(await p.store.deleteSupplier(tenant, 'P-1', 3000)).toBe('deleted');
    expect(await p.store.deleteSupplier(tenant, 'P-1', 3000)).toBe('absent');
    const deleted = await answers(p, tenant);
    expect(deleted.suppliers).toBe(2);
    expect(deleted.aggregates).toEqual(deleted.fullRead);
  });

  it('a reconciliation repairs a lost update, stamps the time, and clears a tenant left without suppliers', async () => {
    const p = await pipeline();
    const message = (tenant: string) =>
      scoreMessage({
        tenant,
        batchId: null,
        chunk: null,
        asOf: '2026-03-01',
        suppliers: suppliers.map((input) => ({ inputVersion: 1000, input })),
      });
    for (const tenant of ['t-a', 't-b'])
      expect(
        (await p.handlers.score(sqsEvent(scoreRecord(message(tenant))), lambdaContext())).batchItemFailures,
      ).toEqual([]);
    const right = await answers(p, 't-a');
    // An update the aggregates never saw (a crash between the supplier write and the aggregate write), and one of
    // t-b's supplier writes applied to t-a's aggregates by mistake.
    const first = (await allSuppliers(p.store, 't-b'))[0];
    if (!first) throw new Error('t-b has no supplier');
    await p.portfolio.apply(
      't-a',
      contributionDelta(null, contributionOf(storedResult(first))),
      new Date().toISOString(),
    );
    expect((await answers(p, 't-a')).aggregates).not.toEqual(right.aggregates);
    for (const s of suppliers) await p.store.deleteSupplier('t-b', s.supplierId, 2000);
    await p.portfolio.apply(
      't-b',
      contributionDelta(null, contributionOf(storedResult(first))),
      new Date().toISOString(),
    );

    const result = await p.reconcilePortfolios();
    expect(result).toMatchObject({ suppliers: 3 });
    const a = await answers(p, 't-a');
    expect(a.aggregates).toEqual(right.aggregates);
    expect(a.stored.reconciledAt).not.toBeNull();
    const b = await answers(p, 't-b');
    expect(b.aggregates).toEqual(b.fullRead);
    expect(b.aggregates[0]?.totals.suppliers).toBe(0);
    // Writes after a reconciliation keep adding to the recount.
    await p.store.deleteSupplier('t-a', 'P-3', 4000);
    const after = await answers(p, 't-a');
    expect(after.aggregates).toEqual(after.fullRead);
  });
});
