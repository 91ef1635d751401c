/**
 * The portfolio recount's throughput and its fan-out, in its own process:
 *
 *   node --import tsx bench/portfolio-recount.child.ts SUPPLIERS SEGMENTS
 *
 * Loads SUPPLIERS stored suppliers over 10 tenants (the store's own compact items, by BatchWriteItem) into an
 * in-memory dynalite, then:
 * 1. one turn's rate: one segment scanned alone (recountSegment over the real scan adapter, 1 of 1 segments: what one
 *    turn of a fanned-out run does over its share), items and suppliers a second;
 * 2. the recount in one invocation (reconcilePortfolios, its parallel segments), timed;
 * 3. the same recount fanned out: a run of SEGMENTS segments through the real run store, each segment message
 *    processed in turn as the recount queue would deliver it (one redelivered), and the aggregates it wrote compared
 *    with those of step 2: they must be equal.
 * Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../infra/local/dynamo.ts';
import { encodeAggregate } from '../shared/model/portfolio-aggregate-codec.ts';
import { cachedScorer } from '../shared/model/scorer-cache.ts';
import { reconcilePortfolios, recountSegment } from '../shared/portfolio/reconcile.ts';
import {
  processRecountSegment,
  RECOUNT,
  type RecountSegmentMessage,
  recountSegmentMessageSchema,
  startRecount,
} from '../shared/portfolio/recount-run.ts';
import type { ScoreQueue } from '../shared/queue/port.ts';
import { referenceData } from '../shared/reference/index.ts';
import { DynamoDbPortfolioAggregates } from '../shared/store/portfolio-aggregates.ts';
import { DynamoDbContributionScan } from '../shared/store/portfolio-aggregates-scan.ts';
import { DynamoDbRecountRuns } from '../shared/store/portfolio-recount-runs.ts';
import { itemLoader, storedItem, suppliers } from './portfolio-suppliers.ts';

const [suppliersArg, segmentsArg] = process.argv.slice(2);
const TOTAL = Number(suppliersArg ?? 100_000);
const SEGMENTS = Number(segmentsArg ?? 8);
const TENANTS = Array.from({ length: 10 }, (_, i) => `recount-${i}`);

const dynamo = await startLocalDynamo({ tableName: 'portfolio-recount' });
const { client, tableName } = dynamo;
const ref = referenceData();
const scorer = cachedScorer(ref, { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });
const at = new Date().toISOString();
const loader = itemLoader(
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  tableName,
);
const l0 = performance.now();
let n = 0;
for (const input of suppliers(TOTAL, 20251204, 'RC'))
  await loader.put(storedItem(TENANTS[n++ % TENANTS.length] as string, input, scorer, at));
await loader.flush();
const loadSeconds = (performance.now() - l0) / 1000;
process.stderr.write(`portfolio-recount: loaded ${TOTAL} suppliers in ${loadSeconds.toFixed(0)} s\n`);

const scan = new DynamoDbContributionScan(client, tableName, ref);
const runs = new DynamoDbRecountRuns(client, tableName);
const items = await runs.tableItems();

// 1. One turn's rate.
const t1 = performance.now();
const alone = await recountSegment(scan, 0, 1);
const turnSeconds = (performance.now() - t1) / 1000;

// 2. In one invocation.
const inProcessAggregates = new DynamoDbPortfolioAggregates(client, tableName, { largeSnapshots: true });
const t2 = performance.now();
const inProcess = await reconcilePortfolios({ scan, aggregates: inProcessAggregates, now: () => new Date() });
const inProcessSeconds = (performance.now() - t2) / 1000;
const answers = async () =>
  Object.fromEntries(
    await Promise.all(
      TENANTS.map(async (t) => [t, encodeAggregate((await inProcessAggregates.read(t)).aggregate)] as const),
    ),
  );
const expected = await answers();

// 3. Fanned out: the planner forced to SEGMENTS segments by the item count it is told, the queue delivered by hand.
const sent: string[] = [];
const queue: ScoreQueue = {
  async sendBatch(entries) {
    for (const e of entries) sent.push(e.body);
    return { failed: [] };
  },
} as ScoreQueue;
const t3 = performance.now();
const started = await startRecount({
  scan,
  aggregates: new DynamoDbPortfolioAggregates(client, tableName, { largeSnapshots: true }),
  now: () => new Date(),
  fanOut: { runs, queue, tableItems: async () => SEGMENTS * RECOUNT.itemsPerTurn, newId: () => 'bench-run' },
});
const segmentDeps = {
  scan,
  aggregates: new DynamoDbPortfolioAggregates(client, tableName, { largeSnapshots: true }),
  runs,
  now: () => new Date(),
};
const messages = sent.map((b) => recountSegmentMessageSchema.parse(JSON.parse(b)) as RecountSegmentMessage);
const outcomes: string[] = [];
for (const m of [...messages, messages[0] as RecountSegmentMessage])
  outcomes.push((await processRecountSegment(segmentDeps, m)).outcome);
const fannedSeconds = (performance.now() - t3) / 1000;
const after = await answers();
const equal = TENANTS.every((t) => after[t] === expected[t]);
const view = await runs.getRun('bench-run');
await dynamo.stop();
if (!equal) throw new Error('the fanned-out recount differs from the one in one invocation');

process.stdout.write(
  `${JSON.stringify({
    suppliers: TOTAL,
    items,
    loadSeconds,
    // dynalite keeps no ItemCount (0): the table holds the supplier items and a few aggregate items.
    turn: { seconds: turnSeconds, suppliers: alone.suppliers, itemsPerSecond: Math.max(items, TOTAL) / turnSeconds },
    inProcess: { seconds: inProcessSeconds, ...inProcess },
    fannedOut: {
      mode: started.mode,
      segments: messages.length,
      seconds: fannedSeconds,
      outcomes,
      result: view?.result ?? null,
      equal,
    },
  })}\n`,
);
