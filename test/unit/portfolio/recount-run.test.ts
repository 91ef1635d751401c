/**
 * The portfolio recount fanned out over scan segments (shared/portfolio/recount-run.ts) through fakes of its ports:
 * any split of the suppliers into segments, processed in any order and redelivered, replaces every tenant's
 * aggregates exactly as the recount in one invocation does; a small table is recounted in one invocation; an
 * assembler that died is replaced by the next turn; a run the queue refused is failed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contributionOf } from '../../../shared/model/portfolio-contribution.ts';
import { decodeRecount, emptyRecount, encodeRecount, mergeRecounts } from '../../../shared/model/portfolio-recount.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { reconcilePortfolios, recountSegment } from '../../../shared/portfolio/reconcile.ts';
import {
  processRecountSegment,
  RECOUNT,
  RecountNotQueuedError,
  type RecountSegmentMessage,
  recountSegmentMessageSchema,
  recountSegmentsFor,
  startRecount,
} from '../../../shared/portfolio/recount-run.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { FakePortfolioAggregates, FakeRecountRuns, fakeContributionScan } from '../../helpers/fake-portfolio.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const scorer = createScorer(referenceData(), { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });
const MINERALS = ['cobalt', 'gallium', 'lithium', 'nickel'];
const COUNTRIES = ['CD', 'CN', 'AU', 'ID'];
const rows = Array.from({ length: 23 }, (_, i) => ({
  tenant: `t${i % 3}`,
  contribution: contributionOf(
    scorer.score(
      supplier({
        supplierId: `S-${i}`,
        annualSpendUsd: i % 4 === 0 ? null : 1000 + i * 311,
        exposures: [line(MINERALS[i % 4] as string, COUNTRIES[(i * 3) % 4] as string, null, 0.6)],
      }),
    ),
  ),
}));
/** `gone` has aggregates but no supplier left: its recount is empty. */
const scan = fakeContributionScan(rows, ['gone', 't1']);
const NOW = new Date('2026-12-03T04:45:00Z');

async function inOneInvocation() {
  const aggregates = new FakePortfolioAggregates();
  const result = await reconcilePortfolios({ scan, aggregates, now: () => NOW });
  return { aggregates, result };
}

function fanned(items: number) {
  const runs = new FakeRecountRuns();
  const queue = fakeQueue();
  const aggregates = new FakePortfolioAggregates();
  const deps = {
    scan,
    aggregates,
    now: () => NOW,
    fanOut: { runs, queue, tableItems: async () => items, newId: () => 'run-1' },
  };
  const messages = () =>
    queue.sent.map((e) => recountSegmentMessageSchema.parse(JSON.parse(e.body)) as RecountSegmentMessage);
  return { runs, queue, aggregates, deps, messages, segmentDeps: { scan, aggregates, runs, now: () => NOW } };
}

describe('a fanned-out portfolio recount', () => {
  it('any number of segments, processed in any order with redeliveries, recounts as one invocation does', async () => {
    const expected = await inOneInvocation();
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 9 })
          .chain((segments) =>
            fc.tuple(
              fc.constant(segments),
              fc.shuffledSubarray([...Array(segments).keys()], { minLength: segments, maxLength: segments }),
              fc.array(fc.nat({ max: segments - 1 }), { maxLength: 4 }),
            ),
          ),
        async ([segments, order, again]) => {
          const f = fanned(segments * RECOUNT.itemsPerTurn);
          expect(await startRecount(f.deps)).toMatchObject({ mode: 'fanned-out', segments });
          const messages = f.messages();
          const outcomes: string[] = [];
          for (const i of [...order.slice(0, 1), ...again, ...order.slice(1)])
            outcomes.push((await processRecountSegment(f.segmentDeps, messages[i] as RecountSegmentMessage)).outcome);
          expect(outcomes.filter((o) => o === 'assembled')).toHaveLength(1);
          expect(f.aggregates.byTenant).toEqual(expected.aggregates.byTenant);
          expect((await f.runs.getRun('run-1'))?.result).toEqual(expected.result);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('recounts a table of at most itemsPerTurn items in one invocation; fans out larger ones, up to maxSegments', async () => {
    const small = fanned(RECOUNT.itemsPerTurn);
    expect(await startRecount(small.deps)).toMatchObject({ mode: 'in-process', tenants: 4, suppliers: rows.length });
    expect(small.queue.sent).toHaveLength(0);
    expect(small.aggregates.byTenant).toEqual((await inOneInvocation()).aggregates.byTenant);
    expect(recountSegmentsFor(0)).toBe(1);
    expect(recountSegmentsFor(RECOUNT.itemsPerTurn + 1)).toBe(2);
    expect(recountSegmentsFor(1000 * RECOUNT.itemsPerTurn)).toBe(RECOUNT.maxSegments);
    // No fan-out configured (the local runtime): one invocation whatever the size.
    const { fanOut: _, ...local } = fanned(10 * RECOUNT.itemsPerTurn).deps;
    expect(await startRecount(local)).toMatchObject({ mode: 'in-process' });
  });

  it('is assembled by the next turn when the last segment counted died before completing the run', async () => {
    const f = fanned(2 * RECOUNT.itemsPerTurn);
    await startRecount(f.deps);
    const [m0, m1] = f.messages() as RecountSegmentMessage[];
    await processRecountSegment(f.segmentDeps, m0 as RecountSegmentMessage);
    f.runs.failNextComplete = true;
    await expect(processRecountSegment(f.segmentDeps, m1 as RecountSegmentMessage)).rejects.toThrow(/died/);
    expect((await processRecountSegment(f.segmentDeps, m1 as RecountSegmentMessage)).outcome).toBe('assembled');
    expect(f.aggregates.byTenant).toEqual((await inOneInvocation()).aggregates.byTenant);
    expect((await processRecountSegment(f.segmentDeps, m0 as RecountSegmentMessage)).outcome).toBe('ended');
  });

  it('fails the run, and says so, when the queue refuses its segments', async () => {
    const f = fanned(3 * RECOUNT.itemsPerTurn);
    f.queue.sendBatch = fakeQueue({ refuse: (b) => b.includes('"segment":1') }).sendBatch;
    await expect(startRecount(f.deps)).rejects.toBeInstanceOf(RecountNotQueuedError);
    expect((await f.runs.getRun('run-1'))?.status).toBe('failed');
  });

  it('uses the run’s start as the watermark, not the time its segments ran', async () => {
    const f = fanned(2 * RECOUNT.itemsPerTurn);
    await startRecount(f.deps);
    const later = { ...f.segmentDeps, now: () => new Date('2026-12-03T06:00:00Z') };
    for (const m of f.messages()) await processRecountSegment(later, m);
    expect(f.aggregates.byTenant.get('t0')?.reconciledAt).toBe(NOW.toISOString());
  });
});

describe('recount partials', () => {
  it('any split merges to the whole, in any order, and survives their stored form', async () => {
    const whole = await recountSegment(scan, 0, 1);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.boolean(), async (segments, reversed) => {
        const parts = await Promise.all(Array.from({ length: segments }, (_, s) => recountSegment(scan, s, segments)));
        const stored = parts.map((p) => decodeRecount(encodeRecount(p)));
        const merged = mergeRecounts(reversed ? stored.reverse() : stored);
        expect(mergeRecounts([merged])).toEqual(mergeRecounts([whole]));
        expect(merged.suppliers).toBe(rows.length);
      }),
      { numRuns: 30 },
    );
    expect(mergeRecounts([])).toEqual(emptyRecount());
  });
});
