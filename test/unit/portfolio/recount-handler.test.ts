/**
 * The recount function's two triggers (functions/portfolio-reconcile/handler.ts), wired to fakes: the schedule's
 * event starts a recount (here fanned out), and the recount queue's messages are its segments, a malformed one
 * reported as a batch item failure without failing the others.
 */
import { describe, expect, it } from 'vitest';
import { createReconcileHandler, createRecountSegmentHandler } from '../../../functions/portfolio-reconcile/handler.ts';
import { RECOUNT } from '../../../shared/portfolio/recount-run.ts';
import { FakePortfolioAggregates, FakeRecountRuns, fakeContributionScan } from '../../helpers/fake-portfolio.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../../helpers/sqs-events.ts';

describe('the portfolio recount function', () => {
  it('starts a fanned-out recount on its schedule, and processes the segments its queue delivers', async () => {
    const runs = new FakeRecountRuns();
    const queue = fakeQueue();
    const aggregates = new FakePortfolioAggregates();
    const scan = fakeContributionScan([], ['acme']);
    const now = () => new Date('2026-12-03T04:45:00Z');
    const start = createReconcileHandler({
      scan,
      aggregates,
      now,
      fanOut: { runs, queue, tableItems: async () => 2 * RECOUNT.itemsPerTurn, newId: () => 'run-1' },
    });
    const context = lambdaContext({ functionName: 'portfolio-reconcile', timeoutMs: 900_000 });
    expect(await start({ source: 'aws.events' }, context)).toMatchObject({ mode: 'fanned-out', segments: 2 });
    const segment = createRecountSegmentHandler({ scan, aggregates, runs, now });
    const bodies = queue.sent.map((e) => e.body);
    const bad = sqsRecord('{"v":1,"kind":"other"}', { messageId: 'bad' });
    const r = await segment(sqsEvent(...bodies.map((b, i) => sqsRecord(b, { messageId: `m${i}` })), bad), context);
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect((await runs.getRun('run-1'))?.status).toBe('completed');
    expect(aggregates.byTenant.get('acme')?.reconciledAt).toBe('2026-12-03T04:45:00.000Z');
  });
});
