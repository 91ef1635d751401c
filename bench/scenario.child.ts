/**
 * One measured run of the scenario benchmark, in its own process:
 *
 *   node --import tsx bench/scenario.child.ts FILE AS_OF DATA_DIR
 *
 * Starts the local runtime on DATA_DIR (dynalite on disk, so a million items do not sit in the process's memory; the
 * in-process scenario queue driving the real worker), stores every supplier of FILE scored as of AS_OF for one tenant
 * (plus a small second tenant, which the scan passes over) as fast as it can: the store's own compact items
 * (supplier-items.ts: input, summary, contribution) by BatchWriteItem, so the worker reads exactly what the pipeline
 * would have stored. Then starts a scenario job as the route does for a large tenant and waits for its answer. Then
 * the floor: a bare parallel Scan of the same items (same segments, page size, filter and projection, at the scenario
 * queue's concurrency) through the same client, doing nothing else. Finally checks the job's answer equals the
 * inline computation over the same suppliers, or above INLINE_MAX suppliers the merge of the pure core's partials of
 * them (the inline answer of a million holds every row in one process). Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { buildScenarioData, limitListed, runScenario, scenarioHeader } from '../shared/model/scenario.ts';
import { emptyPartial, finishScenario, mergePartials, scenarioPartial } from '../shared/model/scenario-partial.ts';
import { createScorer } from '../shared/model/score.ts';
import { cachedScorer } from '../shared/model/scorer-cache.ts';
import { storedScoreOf } from '../shared/model/stored-score.ts';
import type { ScoredSupplier } from '../shared/model/types.ts';
import { SCENARIO, startScenarioJob } from '../shared/pipeline/scenario-job.ts';
import { SCENARIO_QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { referenceData } from '../shared/reference/index.ts';
import { SUPPLIER_SK } from '../shared/store/keys.ts';
import { retryUnprocessed } from '../shared/store/retry.ts';
import { encodeSummary, INPUT_PROJECTION, toItem } from '../shared/store/supplier-items.ts';
import { readSupplierList } from '../shared/supplier-list/read.ts';

const TENANT = 'acme';
const OTHER = 'globex';
/** Above this many suppliers the answer is checked against the merged partials rather than runScenario. */
const INLINE_MAX = 200_000;
/** Suppliers per partial when checking against the merged partials (a page's worth of rows or so). */
const CHUNK = 10_000;
/** "China bans exports of rare earths, tungsten and antimony to every buyer from 2026-06-01." */
const REQUEST = {
  add: [
    {
      country: 'China',
      kind: 'export_ban' as const,
      minerals: ['REE', 'tungsten', 'antimony'],
      effectiveFrom: '2026-06-01',
    },
  ],
};

async function run(file: string, asOf: string, dataDir: string) {
  quietLocalTelemetry();
  let client: DynamoDBClient | undefined;
  const runtime = await startLocalRuntime({
    dataDir,
    autoIngest: false,
    onDynamoClient: (c) => {
      client = c;
    },
  });
  try {
    if (!client) throw new Error('no DynamoDB client');
    const list = await readSupplierList(createReadStream(file));
    const ref = referenceData();
    const ctx = { asOf, buyerCountry: 'US', endUse: 'civil' as const };
    const inputs = list.suppliers.map((s) => s.supplier);
    const other = inputs.slice(0, Math.min(1000, inputs.length));

    // Load: the store's own items (the summary is the change clauses' attribute of a real write), 25 a request, 8
    // requests in flight, as bench/portfolio.child.ts does.
    const scorer = cachedScorer(ref, ctx);
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const table = runtime.dynamo.tableName;
    const at = new Date().toISOString();
    const sendBatch = (items: Record<string, unknown>[]) =>
      retryUnprocessed({ [table]: items.map((Item) => ({ PutRequest: { Item } })) }, async (RequestItems) => {
        const r = await doc.send(new BatchWriteCommand({ RequestItems }));
        return r.UnprocessedItems as typeof RequestItems | undefined;
      });
    const l0 = performance.now();
    let loaded = 0;
    for (const [tenant, mine] of [
      [TENANT, inputs],
      [OTHER, other],
    ] as const) {
      let batch: Record<string, unknown>[] = [];
      let pending: Promise<void>[] = [];
      for (const input of mine) {
        const result = scorer.score(input);
        const w = { inputVersion: 1, input, result, nextChangeDate: null, batchId: null };
        batch.push({ ...toItem(tenant, w, at), summary: encodeSummary(storedScoreOf(result as ScoredSupplier)) });
        if (batch.length === 25) {
          pending.push(sendBatch(batch));
          batch = [];
          if (pending.length >= 8) {
            await Promise.all(pending);
            pending = [];
          }
        }
        if (++loaded % 100_000 === 0)
          process.stderr.write(`scenario: loaded ${loaded} in ${((performance.now() - l0) / 1000).toFixed(0)} s\n`);
      }
      if (batch.length > 0) pending.push(sendBatch(batch));
      await Promise.all(pending);
    }
    const loadMs = performance.now() - l0;

    const { jobs, queue } = runtime.scenarios;
    const timeline = await runtime.policy.current.current();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { job } = await startScenarioJob(
      { jobs, queue, now: () => new Date(), newId: () => `bench-${Date.now().toString(36)}` },
      {
        tenant: TENANT,
        request: REQUEST,
        asOf,
        buyerCountry: 'US',
        revision: timeline.timeline.revision,
        baseDataVersion: timeline.ref.dataVersion,
        createdBy: 'bench',
      },
    );
    let view = await jobs.getJob(TENANT, job.jobId);
    while (view?.status === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      view = await jobs.getJob(TENANT, job.jobId);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (view?.status !== 'completed') throw new Error(`job ended ${view?.status}: ${view?.failure}`);

    // Floor: the same scan, bare: same client, segments, page size, filter, projection and concurrency.
    const f0 = performance.now();
    let next = 0;
    let found = 0;
    const worker = async () => {
      while (next < SCENARIO.segments) {
        const segment = next++;
        let start: Record<string, unknown> | undefined;
        do {
          const page = await runtime.dynamo.client.send(
            new ScanCommand({
              TableName: runtime.dynamo.tableName,
              Segment: segment,
              TotalSegments: SCENARIO.segments,
              Limit: SCENARIO.pageLimit,
              ExclusiveStartKey: start as never,
              FilterExpression: 'sk = :sk AND tenant = :tenant AND attribute_not_exists(deletedAt)',
              ProjectionExpression: INPUT_PROJECTION.expression,
              ExpressionAttributeNames: INPUT_PROJECTION.names,
              ExpressionAttributeValues: { ':sk': { S: SUPPLIER_SK }, ':tenant': { S: TENANT } },
            }),
          );
          found += page.Items?.length ?? 0;
          start = page.LastEvaluatedKey;
        } while (start);
      }
    };
    await Promise.all(Array.from({ length: SCENARIO_QUEUE_SETTINGS.maxConcurrency }, worker));
    const floorMs = performance.now() - f0;

    // The same answer computed in-process: inline (runScenario) for a tenant the process can hold whole, else the
    // pure core's partials of CHUNK suppliers merged, as the job's segments are, but without the store or the queue.
    const result = await jobs.getResult(job);
    const i0 = performance.now();
    let expected: ReturnType<typeof limitListed>;
    let moved = 0;
    const compared = inputs.length <= INLINE_MAX ? 'inline' : 'partials';
    if (compared === 'inline') {
      const full = runScenario(ref, REQUEST, inputs, ctx);
      expected = limitListed(full, SCENARIO.maxListed);
      moved = full.suppliers.filter((s) => s.delta !== 0).length;
    } else {
      const { ref: scenarioRef, errors } = buildScenarioData(ref, REQUEST);
      if (errors.length > 0) throw new Error(errors[0]?.message);
      const scorers = { base: createScorer(ref, ctx), scenario: createScorer(scenarioRef, ctx) };
      let merged = emptyPartial();
      for (let i = 0; i < inputs.length; i += CHUNK) {
        const p = scenarioPartial(scorers, inputs.slice(i, i + CHUNK), Number.POSITIVE_INFINITY);
        moved += p.rows.filter((r) => r.delta !== 0).length;
        merged = mergePartials(merged, p, SCENARIO.maxListed);
      }
      expected = finishScenario(scenarioHeader(ref, scenarioRef, ctx), merged, SCENARIO.maxListed);
    }
    const inlineMs = performance.now() - i0;
    const equal = JSON.stringify(result) === JSON.stringify(expected);

    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      floorMs,
      inlineMs,
      compared,
      loadMs,
      suppliers: inputs.length,
      otherSuppliers: other.length,
      examined: view.examined,
      found,
      segments: job.segments,
      moved,
      listed: result?.suppliers.length ?? 0,
      equal,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await runtime.stop();
  }
}

const [file, asOf, dataDir] = process.argv.slice(2);
if (!file || !asOf || !dataDir) {
  process.stderr.write('usage: scenario.child.ts FILE AS_OF DATA_DIR\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(file, asOf, dataDir))}\n`);
