/**
 * The first read of the portfolio aggregates after a large upload, in its own process:
 *
 *   node --import tsx bench/portfolio-first-read.child.ts SUPPLIERS RATE RUNS
 *
 * SUPPLIERS suppliers are scored (the core, as of 2026-12-03, a US buyer) and summed into one delta per score
 * message's chunk of 70, as the score worker logs them; the chunks are logged into dynalite on a simulated clock, as
 * an upload scored at RATE suppliers/s would log them (one chunk every 70 / RATE s). Then the first read right after
 * the last chunk, timed (wall clock, the real adapter), three ways, each on its own tenant:
 * - before: no worker folds, a read takes every pending delta (the design before this change);
 * - after: the score worker's folds (every foldEveryChunks chunks counted and the batch's last), reads bounded;
 * - bounded: no worker folds (say they failed), reads bounded: how many reads, one a second, until it is complete.
 * Every way's answer is checked against the sum of all the chunks. Prints medians over RUNS as one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { startLocalDynamo } from '../infra/local/dynamo.ts';
import { type Aggregate, addAggregate, contributionDelta, normalise } from '../shared/model/portfolio-aggregate.ts';
import { encodeAggregate } from '../shared/model/portfolio-aggregate-codec.ts';
import { contributionOf } from '../shared/model/portfolio-contribution.ts';
import { PORTFOLIO_LOG } from '../shared/model/portfolio-fold.ts';
import { cachedScorer } from '../shared/model/scorer-cache.ts';
import { LoggedPortfolioAggregates } from '../shared/portfolio/aggregate-log.ts';
import { dueForFold, foldAfterChunk } from '../shared/portfolio/fold-after-chunk.ts';
import type { AggregateLog } from '../shared/portfolio/port.ts';
import { referenceData } from '../shared/reference/index.ts';
import { DynamoDbAggregateLog } from '../shared/store/portfolio-aggregates.ts';
import { median } from './common.ts';
import { suppliers } from './portfolio-suppliers.ts';

const [suppliersArg, rateArg, runsArg] = process.argv.slice(2);
const TOTAL = Number(suppliersArg ?? 100_000);
const RATE = Number(rateArg ?? 627);
const RUNS = Number(runsArg ?? 3);
/** A score message's suppliers as ingest makes them (bench/portfolio.child.ts). */
const CHUNK = 70;
const T0 = Date.parse('2026-12-03T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const scorer = cachedScorer(referenceData(), { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });
const chunks: Aggregate[] = [];
let block: Aggregate = new Map();
let n = 0;
for (const input of suppliers(TOTAL, 20251203, 'FR')) {
  addAggregate(block, contributionDelta(null, contributionOf(scorer.score(input))));
  if (++n % CHUNK === 0) {
    chunks.push(normalise(block));
    block = new Map();
  }
}
if (block.size > 0) chunks.push(normalise(block));
const whole = normalise(chunks.reduce((a, d) => addAggregate(a, d), new Map()));
const chunkMs = (CHUNK / RATE) * 1000;
const end = T0 + chunks.length * chunkMs;

const dynamo = await startLocalDynamo({ tableName: 'portfolio-first-read' });
const table = new DynamoDbAggregateLog(dynamo.client, dynamo.tableName);

/** The use case over the table, on a clock the run moves, counting the deltas its reads take. */
function aggregatesOn(readMaxPerShard?: number) {
  const clock = { ms: T0 };
  const counted = { deltas: 0 };
  const log: AggregateLog = {
    putDelta: (t, d) => table.putDelta(t, d),
    readSnapshot: (t) => table.readSnapshot(t),
    writeSnapshot: (t, s, v) => table.writeSnapshot(t, s, v),
    async readDeltas(t, w, max) {
      const r = await table.readDeltas(t, w, max);
      counted.deltas += r.deltas.length;
      return r;
    },
  };
  const aggregates = new LoggedPortfolioAggregates(log, {
    now: () => new Date(clock.ms),
    ...(readMaxPerShard === undefined ? {} : { readMaxPerShard }),
  });
  return { clock, counted, aggregates };
}

/** Logs the upload's chunks; with `workerFolds`, folds as the score worker does after counting each chunk. */
async function upload(tenant: string, on: ReturnType<typeof aggregatesOn>, workerFolds: boolean) {
  let foldMs = 0;
  let folds = 0;
  for (const [k, delta] of chunks.entries()) {
    on.clock.ms = T0 + k * chunkMs;
    await on.aggregates.apply(tenant, delta, iso(on.clock.ms));
    const batch = { tenant, status: k === chunks.length - 1 ? 'completed' : 'scoring', chunksDone: k + 1 } as const;
    if (workerFolds && dueForFold(batch)) {
      const t = performance.now();
      await foldAfterChunk({ folds: on.aggregates }, batch);
      foldMs += performance.now() - t;
      folds++;
    }
  }
  on.clock.ms = end;
  on.counted.deltas = 0;
  return { foldMs, folds };
}

/** The first read: its time, the deltas it took, whether it was complete; then reads a second apart until it is. */
async function firstRead(tenant: string, on: ReturnType<typeof aggregatesOn>) {
  const t = performance.now();
  const first = await on.aggregates.read(tenant);
  const ms = performance.now() - t;
  const deltas = on.counted.deltas;
  let reads = 1;
  let last = first;
  while (!last.complete && reads < 1000) {
    on.clock.ms += 1000;
    last = await on.aggregates.read(tenant);
    reads++;
  }
  // Past the settle window, a last read: the whole upload is in the answer.
  on.clock.ms += PORTFOLIO_LOG.settleMs + 1000;
  const settled = await on.aggregates.read(tenant);
  if (encodeAggregate(settled.aggregate) !== encodeAggregate(whole) || !settled.complete)
    throw new Error(`${tenant}: the answer is not the sum of the upload's chunks`);
  return { ms, deltas, complete: first.complete, readsToComplete: reads };
}

const runs: Record<'before' | 'after' | 'bounded', Record<string, number | boolean>>[] = [];
for (let r = 0; r < RUNS; r++) {
  const before = aggregatesOn(Number.POSITIVE_INFINITY);
  await upload(`before-${r}`, before, false);
  const b = await firstRead(`before-${r}`, before);
  const after = aggregatesOn();
  const folded = await upload(`after-${r}`, after, true);
  const a = await firstRead(`after-${r}`, after);
  const bounded = aggregatesOn();
  await upload(`bounded-${r}`, bounded, false);
  const c = await firstRead(`bounded-${r}`, bounded);
  runs.push({ before: b, after: { ...a, ...folded }, bounded: c });
  process.stderr.write(
    `portfolio-first-read: run ${r + 1}/${RUNS}: before ${b.ms.toFixed(0)} ms (${b.deltas} deltas), after ${a.ms.toFixed(0)} ms (${a.deltas}), bounded ${c.ms.toFixed(0)} ms (${c.deltas}, ${c.readsToComplete} reads to complete)\n`,
  );
}
await dynamo.stop();

const med = (way: 'before' | 'after' | 'bounded', key: string) => median(runs.map((x) => Number(x[way][key])));
process.stdout.write(
  `${JSON.stringify({
    suppliers: TOTAL,
    chunks: chunks.length,
    rate: RATE,
    uploadSeconds: (end - T0) / 1000,
    before: { ms: med('before', 'ms'), deltas: med('before', 'deltas') },
    after: {
      ms: med('after', 'ms'),
      deltas: med('after', 'deltas'),
      complete: runs.every((x) => x.after.complete),
      folds: med('after', 'folds'),
      foldMs: med('after', 'foldMs'),
    },
    bounded: {
      ms: med('bounded', 'ms'),
      deltas: med('bounded', 'deltas'),
      complete: runs.every((x) => x.bounded.complete),
      readsToComplete: med('bounded', 'readsToComplete'),
    },
  })}\n`,
);
