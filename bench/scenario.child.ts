/**
 * One measured run of the scenario benchmark, in its own process:
 *
 *   node --import tsx bench/scenario.child.ts FILE AS_OF
 *
 * Starts the local runtime (dynalite in memory, the in-process scenario queue driving the real worker), stores every
 * supplier of FILE scored as of AS_OF for one tenant (plus a small second tenant, which the scan passes over), then
 * starts a scenario job as the route does for a large tenant and waits for its answer. Then the floor: a bare parallel
 * Scan of the same items (same segments, page size, filter and projection, at the scenario queue's concurrency)
 * through the same client, doing nothing else. Finally checks the job's answer equals the inline computation over the
 * same suppliers. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { limitListed, runScenario } from '../shared/model/scenario.ts';
import { createScorer } from '../shared/model/score.ts';
import { SCENARIO, startScenarioJob } from '../shared/pipeline/scenario-job.ts';
import { SCENARIO_QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { referenceData } from '../shared/reference/index.ts';
import { SUPPLIER_SK } from '../shared/store/keys.ts';
import { readSupplierList } from '../shared/supplier-list/read.ts';

const TENANT = 'acme';
const OTHER = 'globex';
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

async function run(file: string, asOf: string) {
  quietLocalTelemetry();
  const runtime = await startLocalRuntime();
  try {
    const list = await readSupplierList(createReadStream(file));
    const ref = referenceData();
    const ctx = { asOf, buyerCountry: 'US', endUse: 'civil' as const };
    const scorer = createScorer(ref, ctx);
    const inputs = list.suppliers.map((s) => s.supplier);
    const other = inputs.slice(0, Math.min(1000, inputs.length));
    for (const [tenant, mine] of [
      [TENANT, inputs],
      [OTHER, other],
    ] as const)
      for (let i = 0; i < mine.length; i += 2000)
        await runtime.store.putScored(
          tenant,
          'upsert',
          mine.slice(i, i + 2000).map((input) => ({
            inputVersion: 1,
            input,
            result: scorer.score(input),
            nextChangeDate: null,
            batchId: null,
          })),
        );

    const { jobs, queue } = runtime.scenarios;
    const timeline = await runtime.policy.current.current();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const job = await startScenarioJob(
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
              ProjectionExpression: '#input',
              ExpressionAttributeNames: { '#input': 'input' },
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

    // The same answer inline (the pure computation over the same suppliers).
    const result = await jobs.getResult(job);
    const i0 = performance.now();
    const full = runScenario(ref, REQUEST, inputs, ctx);
    const inline = limitListed(full, SCENARIO.maxListed);
    const inlineMs = performance.now() - i0;
    const equal = JSON.stringify(result) === JSON.stringify(inline);

    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      floorMs,
      inlineMs,
      suppliers: inputs.length,
      otherSuppliers: other.length,
      examined: view.examined,
      found,
      segments: job.segments,
      moved: full.suppliers.filter((s) => s.delta !== 0).length,
      listed: result?.suppliers.length ?? 0,
      equal,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await runtime.stop();
  }
}

const [file, asOf] = process.argv.slice(2);
if (!file || !asOf) {
  process.stderr.write('usage: scenario.child.ts FILE AS_OF\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(file, asOf))}\n`);
