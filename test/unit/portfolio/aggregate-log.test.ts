/**
 * The aggregates as a delta log folded into a snapshot (shared/portfolio/aggregate-log.ts) through an in-memory log:
 * a read is the sum of every delta logged, whatever was folded meanwhile — after a fold, a second fold, two
 * concurrent folds, a delta logged late (within the settle window) with a key below one already folded, and a
 * recount, whose watermark is the time its scan started.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Aggregate, addAggregate, normalise } from '../../../shared/model/portfolio-aggregate.ts';
import { PORTFOLIO_LOG } from '../../../shared/model/portfolio-fold.ts';
import { LoggedPortfolioAggregates } from '../../../shared/portfolio/aggregate-log.ts';
import { FakeAggregateLog } from '../../helpers/fake-portfolio.ts';
import { aggregateArb } from '../../helpers/portfolio-arbitraries.ts';

const T = 'tenant-a';
const START = Date.parse('2026-06-01T00:00:00.000Z');
const IDS = ['A', 'T', 'M#cobalt', 'C#CD', 'X#cobalt#CD', 'B#high'];

const deltaArb = aggregateArb(fc.constantFrom(...IDS), { minLength: 1, maxLength: 4 }).map(normalise);

const sumOf = (deltas: readonly Aggregate[]) => normalise(deltas.reduce((a, d) => addAggregate(a, d), new Map()));

/** The use case over a fake log, on a clock the test moves, with a counter for keys. */
function setup() {
  const log = new FakeAggregateLog();
  const clock = { ms: START };
  let n = 0;
  const aggregates = new LoggedPortfolioAggregates(log, {
    now: () => new Date(clock.ms),
    random: () => (n++).toString(16).padStart(10, '0'),
  });
  const iso = (ms: number) => new Date(ms).toISOString();
  return { log, clock, aggregates, iso };
}

describe('portfolio aggregates as a delta log and a snapshot', () => {
  const d1 = fc.sample(deltaArb, { numRuns: 3, seed: 7 });

  it('folds only settled deltas, once: a second fold changes nothing and the answer never moves', async () => {
    const { log, clock, aggregates, iso } = setup();
    for (const [i, d] of d1.entries()) await aggregates.apply(T, d, iso(clock.ms + i));
    const before = (await aggregates.read(T)).aggregate;
    expect(before).toEqual(sumOf(d1));
    expect(await aggregates.fold(T)).toBe(0); // nothing settled yet
    clock.ms += PORTFOLIO_LOG.settleMs + 10;
    expect(await aggregates.fold(T)).toBe(d1.length);
    expect(await aggregates.fold(T)).toBe(0);
    expect(log.snapshotWrites).toBe(1);
    expect((await aggregates.read(T)).aggregate).toEqual(before);
    expect((await log.readDeltas(T, (await log.readSnapshot(T)).watermarks, 1000)).deltas).toEqual([]);
  });

  it('of two concurrent folds one applies and the other writes nothing', async () => {
    const { log, clock, aggregates, iso } = setup();
    for (const d of d1) await aggregates.apply(T, d, iso(clock.ms));
    clock.ms += PORTFOLIO_LOG.settleMs + 10;
    let second = -1;
    log.beforeWrite = async () => {
      second = await aggregates.fold(T);
    };
    const first = await aggregates.fold(T);
    expect([first, second].sort()).toEqual([0, d1.length]);
    expect(log.snapshotWrites).toBe(1);
    expect((await aggregates.read(T)).aggregate).toEqual(sumOf(d1));
  });

  it('counts a delta logged late, with a key below the newest folded, when it is within the settle window', async () => {
    const { clock, aggregates, iso } = setup();
    const [a, b, late] = d1 as [Aggregate, Aggregate, Aggregate];
    await aggregates.apply(T, a, iso(clock.ms));
    clock.ms += PORTFOLIO_LOG.settleMs;
    await aggregates.apply(T, b, iso(clock.ms));
    clock.ms += PORTFOLIO_LOG.settleMs / 2;
    expect(await aggregates.fold(T)).toBe(1);
    // Keyed before `b` (its writer's clock), landing only now: above the watermark, so still counted, then folded.
    await aggregates.apply(T, late, iso(clock.ms - PORTFOLIO_LOG.settleMs + 1));
    expect((await aggregates.read(T)).aggregate).toEqual(sumOf([a, b, late]));
    clock.ms += PORTFOLIO_LOG.settleMs;
    expect(await aggregates.fold(T)).toBe(2);
    expect((await aggregates.read(T)).aggregate).toEqual(sumOf([a, b, late]));
  });

  it('a recount replaces what was logged up to its scan start; later deltas add on top, also after a newer fold', async () => {
    const { log, clock, aggregates, iso } = setup();
    const [a, b, c] = d1 as [Aggregate, Aggregate, Aggregate];
    await aggregates.apply(T, a, iso(clock.ms));
    const scanStart = iso(clock.ms);
    clock.ms += 1;
    await aggregates.apply(T, b, iso(clock.ms)); // during the scan
    clock.ms += PORTFOLIO_LOG.settleMs + 10;
    expect(await aggregates.fold(T)).toBe(2); // a fold between the scan and its write
    await aggregates.replace(T, c, scanStart);
    const read = await aggregates.read(T);
    expect(read.aggregate).toEqual(sumOf([c, b]));
    expect(read.reconciledAt).toBe(scanStart);
    expect(log.snapshots.get(T)?.version).toBe(2);
  });

  it('a read that finds many pending deltas folds the settled ones and answers the same', async () => {
    const { log, clock, aggregates, iso } = setup();
    const many = fc.sample(deltaArb, { numRuns: PORTFOLIO_LOG.foldAfterPending + 1, seed: 3 });
    for (const d of many) await aggregates.apply(T, d, iso(clock.ms));
    clock.ms += PORTFOLIO_LOG.settleMs + 10;
    expect((await aggregates.read(T)).aggregate).toEqual(sumOf(many));
    expect(log.snapshotWrites).toBe(1);
    expect((await aggregates.read(T)).aggregate).toEqual(sumOf(many));
  });

  it('a read takes at most readMaxPerShard pending deltas a shard, the oldest, says so, and folds them', async () => {
    const { log, clock, aggregates, iso } = setup();
    const max = PORTFOLIO_LOG.readMaxPerShard;
    // The test's keys all fall in one shard: a huge upload's deltas, more than two reads take.
    const many = fc.sample(deltaArb, { numRuns: 2 * max + 5, seed: 11 });
    for (const [i, d] of many.entries()) await aggregates.apply(T, d, iso(clock.ms + i));
    clock.ms += many.length + PORTFOLIO_LOG.settleMs;
    const first = await aggregates.read(T);
    expect(first.complete).toBe(false);
    expect(first.aggregate).toEqual(sumOf(many.slice(0, max)));
    expect(first.updatedAt).toBe(iso(START + max - 1));
    const second = await aggregates.read(T);
    expect(second.complete).toBe(false);
    expect(second.aggregate).toEqual(sumOf(many.slice(0, 2 * max)));
    const third = await aggregates.read(T);
    expect(third).toMatchObject({ complete: true, aggregate: sumOf(many) });
    // The last five fit one read and are too few to fold.
    expect(log.snapshotWrites).toBe(2);
  });

  it('a fold takes at most foldMaxPerShard deltas a shard; the next fold takes the rest', async () => {
    const { clock, aggregates, iso } = setup();
    const many = fc.sample(deltaArb, { numRuns: PORTFOLIO_LOG.foldMaxPerShard + 3, seed: 5 });
    for (const d of many) await aggregates.apply(T, d, iso(clock.ms));
    clock.ms += PORTFOLIO_LOG.settleMs + 1;
    expect(await aggregates.fold(T)).toBe(PORTFOLIO_LOG.foldMaxPerShard);
    expect(await aggregates.fold(T)).toBe(3);
    expect(await aggregates.read(T)).toMatchObject({ complete: true, aggregate: sumOf(many) });
  });

  it('any interleaving of deltas (late within the settle window), folds and concurrent folds sums every delta', async () => {
    const opArb = fc.oneof(
      fc.record({
        kind: fc.constant('apply' as const),
        delta: deltaArb,
        lateMs: fc.integer({ min: 0, max: PORTFOLIO_LOG.settleMs - 1 }),
      }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3 * PORTFOLIO_LOG.settleMs }) }),
      fc.record({ kind: fc.constantFrom('fold' as const, 'concurrent' as const, 'read' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), async (ops) => {
        const { log, clock, aggregates, iso } = setup();
        const logged: Aggregate[] = [];
        for (const op of ops) {
          if (op.kind === 'apply') {
            await aggregates.apply(T, op.delta, iso(clock.ms - op.lateMs));
            logged.push(op.delta);
          } else if (op.kind === 'tick') clock.ms += op.ms;
          else if (op.kind === 'fold') await aggregates.fold(T);
          else if (op.kind === 'concurrent') {
            log.beforeWrite = async () => {
              await aggregates.fold(T);
            };
            await aggregates.fold(T);
            log.beforeWrite = null;
          } else expect((await aggregates.read(T)).aggregate).toEqual(sumOf(logged));
        }
        expect((await aggregates.read(T)).aggregate).toEqual(sumOf(logged));
      }),
      { numRuns: 200 },
    );
  });
});
