/**
 * One measured run of the policy benchmark, in its own process:
 *
 *   node --import tsx bench/policy.child.ts FILE AS_OF
 *
 * Starts the local runtime (dynalite in memory, the in-process rescore queue driving the real worker), stores every
 * supplier of FILE scored as of AS_OF (spread over three tenants, two buyer countries), then records the revision an
 * operator would ("China extends its suspension of Ann. 46 clause 2 to 2027-11-27") and starts its run as the admin
 * route does. The clock runs from the revision to the run's completion. Then the floor: a parallel scan of the same
 * table, the same segments, page size and concurrency, doing nothing else. Checks 0 missed against a fresh scoring of
 * all. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { nextPolicyChange } from '../shared/model/policy.ts';
import { createScorer } from '../shared/model/score.ts';
import { RESCORE_RUN } from '../shared/pipeline/rescore-run.ts';
import { RESCORE_QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { referenceData } from '../shared/reference/index.ts';
import { DynamoDbChangeLog } from '../shared/store/change-log.ts';
import { CHANGE_SK_PREFIX, isAggregatePk, isChangeGroupSk, TENANT_PK_PREFIX } from '../shared/store/keys.ts';
import { DynamoDbSupplierScan } from '../shared/store/supplier-scan.ts';
import { readSupplierList } from '../shared/supplier-list/read.ts';
import { extendSuspension } from './bench-revision.ts';

const TENANTS = ['acme', 'globex', 'initech'];

/**
 * Write requests on supplier items and, apart, on their single change records, on change groups' parts and on the
 * portfolio aggregates (keys T#…), as DynamoDB bills them.
 */
function countSupplierWrites(client: DynamoDBClient) {
  const c = { writes: 0, changeRecords: 0, groups: 0, aggregates: 0 };
  const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand'];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      type Pk = string | { S?: string } | undefined;
      const input = args.input as { Key?: { pk?: Pk; sk?: Pk }; Item?: { pk?: Pk; sk?: Pk } };
      const text = (raw: Pk) => (typeof raw === 'string' ? raw : raw?.S) ?? '';
      const pk = text(input.Key?.pk ?? input.Item?.pk);
      const sk = text(input.Key?.sk ?? input.Item?.sk);
      if (WRITES.includes((context as { commandName?: string }).commandName ?? '') && pk.startsWith(TENANT_PK_PREFIX)) {
        if (isAggregatePk(pk)) c.aggregates++;
        else if (isChangeGroupSk(sk)) c.groups++;
        else if (sk.startsWith(CHANGE_SK_PREFIX)) c.changeRecords++;
        else c.writes++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchSupplierWrites' },
  );
  return c;
}

async function run(file: string, asOf: string) {
  quietLocalTelemetry();
  let writes = { writes: 0, changeRecords: 0, groups: 0, aggregates: 0 };
  const runtime = await startLocalRuntime({
    onDynamoClient: (client) => {
      writes = countSupplierWrites(client);
    },
  });
  try {
    const list = await readSupplierList(createReadStream(file));
    const ref = referenceData();
    const stored: { tenant: string; buyer: string; input: (typeof list.suppliers)[number]['supplier'] }[] = [];
    for (const [i, s] of list.suppliers.entries())
      stored.push({ tenant: TENANTS[i % 3] as string, buyer: i % 5 < 2 ? 'US' : 'DE', input: s.supplier });
    for (const tenant of TENANTS)
      for (const buyer of ['US', 'DE']) {
        const ctx = { asOf, buyerCountry: buyer, endUse: 'civil' as const };
        const scorer = createScorer(ref, ctx);
        const mine = stored.filter((s) => s.tenant === tenant && s.buyer === buyer);
        for (let i = 0; i < mine.length; i += 2000)
          await runtime.store.putScored(
            tenant,
            'upsert',
            mine.slice(i, i + 2000).map((s) => ({
              inputVersion: 1,
              input: s.input,
              result: scorer.score(s.input),
              nextChangeDate: nextPolicyChange(
                ref,
                s.input.exposures.map((e) => e.mineral),
                ctx,
              ),
              batchId: null,
            })),
          );
      }
    const writesBefore = writes.writes;
    const recordsBefore = writes.changeRecords;
    const groupsBefore = writes.groups;
    const aggregatesBefore = writes.aggregates;
    const p = runtime.policy;

    // The notifier is another function in AWS: its queue takes the change events (what PutEvents costs the writers is
    // measured) but is not consumed during the run, so its work does not share this process's CPU with the rescore.
    await runtime.notify.queue.stop();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { recorded, started } = await extendSuspension(p, asOf);
    let view = await p.runs.viewRun(started.runId);
    while (view?.status !== 'completed') {
      await new Promise((r) => setTimeout(r, 100));
      view = await p.runs.viewRun(started.runId);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const runWrites = writes.writes - writesBefore;
    const runSingleRecords = writes.changeRecords - recordsBefore;
    const runGroupWrites = writes.groups - groupsBefore;
    const runAggregateWrites = writes.aggregates - aggregatesBefore;
    // The records the run left, as the change feed lists them (single records and those in its pages' groups).
    const log = new DynamoDbChangeLog(runtime.dynamo.client, runtime.dynamo.tableName);
    let runChangeRecords = 0;
    for (const tenant of TENANTS) {
      let since: string | undefined;
      for (;;) {
        const page = await log.listChanges(tenant, {
          limit: 1000,
          now: new Date(Date.now() + 60_000),
          ...(since ? { since } : {}),
        });
        runChangeRecords += page.items.filter((c) => c.cause.kind === 'policy').length;
        since = page.cursor;
        if (!page.more) break;
      }
    }

    // 0 missed: every stored score equals a fresh scoring of its supplier with the new timeline.
    let missed = 0;
    let moved = 0;
    for (const s of stored) {
      const ctx = { asOf, buyerCountry: s.buyer, endUse: 'civil' as const };
      const want = createScorer(recorded.ref, ctx).score(s.input).score;
      if (want !== createScorer(ref, ctx).score(s.input).score) moved++;
      const got = (await runtime.store.getSupplier(s.tenant, s.input.supplierId))?.summary.score;
      if (got !== want) missed++;
    }

    // Floor: the same scan (segments, page size, concurrency) reading every page and doing nothing else.
    const scan = new DynamoDbSupplierScan(runtime.dynamo.client, runtime.dynamo.tableName);
    const f0 = performance.now();
    let next = 0;
    let scanned = 0;
    const worker = async () => {
      while (next < RESCORE_RUN.segments) {
        const segment = next++;
        let cursor: string | null = null;
        do {
          const page = await scan.scanSuppliers(segment, RESCORE_RUN.segments, cursor, RESCORE_RUN.pageLimit);
          scanned += page.items.length;
          cursor = page.cursor;
        } while (cursor);
      }
    };
    await Promise.all(Array.from({ length: RESCORE_QUEUE_SETTINGS.maxConcurrency }, worker));
    const floorMs = performance.now() - f0;

    return {
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      floorMs,
      suppliers: stored.length,
      scanned,
      moved,
      missed,
      counts: view.counts,
      runWrites,
      runChangeRecords,
      runSingleRecords,
      runGroupWrites,
      runAggregateWrites,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await runtime.stop();
  }
}

const [file, asOf] = process.argv.slice(2);
if (!file || !asOf) {
  process.stderr.write('usage: policy.child.ts FILE AS_OF\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(file, asOf))}\n`);
