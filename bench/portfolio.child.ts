/**
 * The server of the portfolio benchmark, in its own process:
 *
 *   node --import tsx bench/portfolio.child.ts SUPPLIERS DATA_DIR
 *
 * 1. Measures the write units the aggregates add per supplier: one chunk of suppliers (the size a score message
 *    carries) and one single supplier (an API PUT) written through the real write path (store + aggregates), with
 *    ReturnConsumedCapacity TOTAL added to every write, split by item (aggregate or not).
 * 2. Stores SUPPLIERS suppliers of tenant `bench` as fast as it can: items by BatchWriteItem (the store's own item
 *    format), their aggregates as the adapter's deltas, one per block of suppliers, folded into the snapshot at the
 *    end once settled (PORTFOLIO_LOG.settleMs), as the first read or the schedule would.
 * 3. Starts the local HTTP API over the runtime, checks that the exposure answers with every supplier counted, and
 *    prints `{ ready, url, token, supplierId, loaded, loadSeconds, wcu }`; serves until stdin closes.
 */

import { createInterface } from 'node:readline';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startApiServer } from '../infra/local/http-server.ts';
import { generateSigningKey, mintToken } from '../infra/local/jwt.ts';
import { quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { type Aggregate, addAggregate, contributionDelta } from '../shared/model/portfolio-aggregate.ts';
import { contributionOf } from '../shared/model/portfolio-contribution.ts';
import { PORTFOLIO_LOG } from '../shared/model/portfolio-fold.ts';
import { cachedScorer } from '../shared/model/scorer-cache.ts';
import { storedScoreOf } from '../shared/model/stored-score.ts';
import type { ScoredSupplier, SupplierInput } from '../shared/model/types.ts';
import { referenceData } from '../shared/reference/index.ts';
import { isAggregatePk } from '../shared/store/keys.ts';
import type { ScoredWrite } from '../shared/store/port.ts';
import { retryUnprocessed } from '../shared/store/retry.ts';
import { encodeSummary, toItem } from '../shared/store/supplier-items.ts';
import { suppliers } from './portfolio-suppliers.ts';

const [suppliersArg, dataDir] = process.argv.slice(2);
const TOTAL = Number(suppliersArg ?? 1_000_000);
const TENANT = 'bench';
const AS_OF = '2025-12-01';
/** Suppliers per aggregate delta while loading. */
const BLOCK = 20_000;
/** A score message's suppliers as ingest makes them: ~70 two-line suppliers in 24 KiB (docs/operations.md). */
const CHUNK = 70;

/** Write units consumed by the writes of `client`, split by aggregate items and the rest. */
function countWriteUnits(client: DynamoDBClient) {
  const units = { aggregates: 0, other: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      // Marshalled or not yet (the document client marshals in a later middleware): the key's pk either way.
      type Keyed = { pk?: string | { S?: string } };
      const input = args.input as { ReturnConsumedCapacity?: string; Key?: Keyed; Item?: Keyed };
      const keyed = input.Key ?? input.Item;
      const pk = typeof keyed?.pk === 'string' ? keyed.pk : keyed?.pk?.S;
      // A GetItem names a Key too: a write is an Item, or a Key without a read's projection or key condition.
      const write =
        'Item' in input ||
        ('Key' in input &&
          !('ProjectionExpression' in input) &&
          !('KeyConditionExpression' in input) &&
          !('ConsistentRead' in input));
      if (write) input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      if (write && consumed?.CapacityUnits !== undefined) {
        if (pk && isAggregatePk(pk)) units.aggregates += consumed.CapacityUnits;
        else units.other += consumed.CapacityUnits;
      }
      return out;
    },
    { step: 'initialize', name: 'countWriteUnits' },
  );
  return units;
}

quietLocalTelemetry();
let client: DynamoDBClient | undefined;
const runtime = await startLocalRuntime({
  ...(dataDir ? { dataDir } : {}),
  onDynamoClient: (c) => {
    client = c;
  },
});
if (!client) throw new Error('no DynamoDB client');
const units = countWriteUnits(client);
const ref = referenceData();
const scorer = cachedScorer(ref, { asOf: AS_OF, buyerCountry: 'US', endUse: 'civil' });
const write = (input: SupplierInput, inputVersion = 1): ScoredWrite => ({
  inputVersion,
  input,
  result: scorer.score(input),
  nextChangeDate: null,
  batchId: null,
});

// 1. Write units through the real write path (tenant `wcu`, kept apart from the measured tenant).
const wcuOf = async (inputs: SupplierInput[], version = 1) => {
  units.aggregates = 0;
  units.other = 0;
  await runtime.store.putScored(
    'wcu',
    'upsert',
    inputs.map((i) => write(i, version)),
  );
  return { aggregates: units.aggregates / inputs.length, supplier: units.other / inputs.length };
};
const chunkWcu = await wcuOf([...suppliers(CHUNK, 7, 'WCU')]);
const [one] = [...suppliers(1, 8, 'ONE')];
if (!one) throw new Error('no supplier');
const singleWcu = await wcuOf([one]);
// The same supplier again, a new version with another spend: its old contribution out, the new one in.
const rewriteWcu = await wcuOf([{ ...one, annualSpendUsd: 123 }], 2);

// 2. Load.
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const table = runtime.dynamo.tableName;
const started = Date.now();
const at = new Date().toISOString();
let loaded = 0;
let block: Aggregate = new Map();
let pending: Promise<void>[] = [];
const flushBlock = async () => {
  if (block.size > 0) await runtime.portfolio.apply(TENANT, block, at);
  block = new Map();
};
let batch: Record<string, unknown>[] = [];
const sendBatch = (items: Record<string, unknown>[]) =>
  retryUnprocessed({ [table]: items.map((Item) => ({ PutRequest: { Item } })) }, async (RequestItems) => {
    const r = await doc.send(new BatchWriteCommand({ RequestItems }));
    return r.UnprocessedItems as typeof RequestItems | undefined;
  });
for (const input of suppliers(TOTAL, 20251203, 'PF')) {
  const w = write(input);
  // The summary is written by the change clauses of a real write (supplier-changes.ts); a loaded item needs it too.
  batch.push({ ...toItem(TENANT, w, at), summary: encodeSummary(storedScoreOf(w.result as ScoredSupplier)) });
  addAggregate(block, contributionDelta(null, contributionOf(w.result as ScoredSupplier)));
  loaded++;
  if (batch.length === 25) {
    pending.push(sendBatch(batch));
    batch = [];
    if (pending.length >= 8) {
      await Promise.all(pending);
      pending = [];
    }
  }
  if (loaded % BLOCK === 0) {
    await flushBlock();
    if (loaded % 100_000 === 0)
      process.stderr.write(`portfolio: loaded ${loaded} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}
if (batch.length > 0) pending.push(sendBatch(batch));
await Promise.all(pending);
await flushBlock();
const loadSeconds = (Date.now() - started) / 1000;
// The blocks' deltas carry the load's start time: fold them once they have settled, so reads see a snapshot.
await new Promise((resolve) =>
  setTimeout(resolve, Math.max(0, Date.parse(at) + PORTFOLIO_LOG.settleMs + 50 - Date.now())),
);
const folded = await runtime.portfolio.fold(TENANT);

// 3. Serve.
const key = await generateSigningKey('bench-key');
const api = await startApiServer({ runtime, host: '127.0.0.1', keys: [key], today: () => AS_OF });
const token = await mintToken({ tenant: TENANT, scope: 'risk/read', expiresIn: '2h', key });
const supplierId = `PF-${String(Math.floor(TOTAL / 2)).padStart(7, '0')}`;
const check = async (path: string) => {
  const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
  return (await r.json()) as { totals?: { suppliers: number } };
};
const exposure = await check('/v1/portfolio/exposure?groupBy=mineral,country');
if (exposure.totals?.suppliers !== TOTAL)
  throw new Error(`the exposure counts ${exposure.totals?.suppliers} suppliers, not ${TOTAL}`);
await check(`/v1/suppliers/${supplierId}`);
const wcu = { chunk: chunkWcu, single: singleWcu, rewrite: rewriteWcu, chunkSize: CHUNK };
// What a read costs when the API's one-second cache misses: the adapter's read of every shard, in isolation.
const uncachedMs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await runtime.portfolio.read(TENANT);
  uncachedMs.push(performance.now() - t0);
}
const uncachedReadMs = Math.round([...uncachedMs].sort((a, b) => a - b)[2] ?? 0);
process.stdout.write(
  `${JSON.stringify({ ready: true, url: api.url, token, supplierId, loaded, loadSeconds, wcu, uncachedReadMs, folded })}\n`,
);

for await (const _ of createInterface({ input: process.stdin })) break;
await api.stop();
await runtime.stop();
process.stdout.write(`${JSON.stringify({ done: true })}\n`);
