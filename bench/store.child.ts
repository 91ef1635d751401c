/**
 * One measured run of the store benchmark, in its own process:
 *
 *   node --import tsx bench/store.child.ts FILE AS_OF
 *
 * Starts the local runtime, asks DynamoDB (dynalite) for the capacity every write consumes (`ReturnConsumedCapacity:
 * 'TOTAL'`, indexes included, added by SDK middleware to each write request) and sums what it answers, by item kind.
 * Then:
 *   first: uploads FILE twice through the real pipeline (tenant `acme` for a US buyer, `globex` for a German one)
 *          and waits for both batches: write units per supplier stored, by item kind.
 *   rescore: records the policy bench's revision (China extends its suspension of Ann. 46 clause 2, which reaches
 *          US buyers only) and runs its rescore: write units on suppliers the run left unchanged, per unchanged
 *          supplier examined, and on the run's own bookkeeping.
 * Also the sizes of the stored supplier items as DynamoDB counts them. Prints one JSON line.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_TABLE, quietLocalTelemetry, startLocalRuntime } from '../infra/local/runtime.ts';
import { batchKey } from '../shared/store/batch-items.ts';
import {
  CHANGE_SK_PREFIX,
  isAggregatePk,
  isBatchPk,
  isChangeGroupSk,
  SUPPLIER_SK,
  supplierPk,
} from '../shared/store/keys.ts';
import { TABLE } from '../shared/store/table.ts';
import { extendSuspension } from './bench-revision.ts';
import { itemBytes } from './item-size.ts';

type Kind = 'supplier' | 'change' | 'batch' | 'aggregate' | 'other';
interface Consumed {
  byKind: Record<Kind, number>;
  /** Of `change`: the change groups' parts (their partition is the tenant's feed, no supplier's). */
  groups: number;
  /** Write units per supplier partition (supplier items and their change records). */
  bySupplier: Map<string, number>;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
type Key = string | { S?: string } | undefined;
const text = (raw: Key) => (typeof raw === 'string' ? raw : raw?.S) ?? '';

function kindOf(pk: string, sk: string): Kind {
  if (sk === SUPPLIER_SK) return 'supplier';
  if (sk.startsWith(CHANGE_SK_PREFIX) || isChangeGroupSk(sk)) return 'change';
  if (isBatchPk(pk)) return 'batch';
  if (isAggregatePk(pk)) return 'aggregate';
  return 'other';
}

/** Adds ReturnConsumedCapacity TOTAL to every write and sums the units DynamoDB reports, by item kind. */
function meterWrites(client: DynamoDBClient): Consumed {
  const c: Consumed = {
    byKind: { supplier: 0, change: 0, batch: 0, aggregate: 0, other: 0 },
    groups: 0,
    bySupplier: new Map(),
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? '';
      if (!WRITES.has(name)) return next(args);
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        Key?: { pk?: Key; sk?: Key };
        Item?: { pk?: Key; sk?: Key };
        RequestItems?: Record<string, { PutRequest?: { Item?: { pk?: Key; sk?: Key } } }[]>;
      };
      input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const output = (out as { output?: { ConsumedCapacity?: unknown } }).output;
      const consumed = ([] as { CapacityUnits?: number }[])
        .concat((output?.ConsumedCapacity as never) ?? [])
        .reduce((n, x) => n + (x.CapacityUnits ?? 0), 0);
      const first = input.Key ?? input.Item ?? Object.values(input.RequestItems ?? {})[0]?.[0]?.PutRequest?.Item;
      const pk = text(first?.pk);
      const kind = kindOf(pk, text(first?.sk));
      c.byKind[kind] += consumed;
      if (isChangeGroupSk(text(first?.sk))) c.groups += consumed;
      if (kind === 'supplier' || kind === 'change') c.bySupplier.set(pk, (c.bySupplier.get(pk) ?? 0) + consumed);
      return out;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return c;
}

const snapshot = (c: Consumed) => ({ byKind: { ...c.byKind }, groups: c.groups, bySupplier: new Map(c.bySupplier) });

type Item = Record<string, AttributeValue>;

/** Every supplier item and change record, by pk and sk. */
async function supplierPartitions(client: DynamoDBClient): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  let start: Item | undefined;
  do {
    const r: ScanCommandOutput = await client.send(
      new ScanCommand({
        TableName: LOCAL_TABLE,
        // Change groups too (their sort key holds `#*G#`): an index entry of theirs would be counted.
        FilterExpression: 'sk = :sk OR begins_with(sk, :chg) OR contains(sk, :grp) OR contains(sk, :page)',
        ExpressionAttributeValues: {
          ':sk': { S: SUPPLIER_SK },
          ':chg': { S: CHANGE_SK_PREFIX },
          ':grp': { S: '#*G#' },
          ':page': { S: '#*R#' },
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of r.Items ?? []) items.set(`${text(item.pk)}|${text(item.sk)}`, item);
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * The index writes between two states of the items, by DynamoDB's rules (dynalite reports the table's units only):
 * an entry that appears is one put of its size, one that goes is one delete, a moved key both; an unmoved entry is
 * written again only if it projects every attribute and the item changed. Writes within one phase that a later one
 * undid are not seen (a phase writes each supplier once here).
 */
function indexUnits(
  before: Map<string, Item>,
  after: Map<string, Item>,
): { byIndex: Record<string, number>; bySupplier: Map<string, number> } {
  const byIndex: Record<string, number> = {};
  const bySupplier = new Map<string, number>();
  const indexes = Object.values(TABLE.indexes);
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key);
    const now = after.get(key);
    for (const ix of indexes) {
      const entry = (item: Item | undefined) =>
        item?.[ix.partitionKey] && item[ix.sortKey] ? `${text(item[ix.partitionKey])}|${text(item[ix.sortKey])}` : null;
      const all = ix.name === TABLE.indexes.changes.name;
      const size = (item: Item) =>
        all
          ? itemBytes(item)
          : itemBytes({
              pk: item.pk,
              sk: item.sk,
              [ix.partitionKey]: item[ix.partitionKey],
              [ix.sortKey]: item[ix.sortKey],
            } as Item);
      const [e0, e1] = [entry(was), entry(now)];
      let units = 0;
      if (e0 !== null && (e1 === null || e1 !== e0)) units += writeUnits(size(was as Item));
      if (e1 !== null && (e0 === null || e1 !== e0)) units += writeUnits(size(now as Item));
      if (e0 !== null && e0 === e1 && all && JSON.stringify(was) !== JSON.stringify(now))
        units += writeUnits(size(now as Item));
      if (units === 0) continue;
      byIndex[ix.name] = (byIndex[ix.name] ?? 0) + units;
      const pk = key.slice(0, key.indexOf('|'));
      bySupplier.set(pk, (bySupplier.get(pk) ?? 0) + units);
    }
  }
  return { byIndex, bySupplier };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function run(file: string, asOf: string) {
  quietLocalTelemetry();
  let meter: Consumed | undefined;
  const runtime = await startLocalRuntime({
    today: () => asOf,
    onDynamoClient: (client) => {
      meter = meterWrites(client);
    },
  });
  if (!meter) throw new Error('no DynamoDB client');
  const m = meter;
  try {
    const uploads = [
      { tenant: 'acme', batchId: 'bench-us', buyerCountry: 'US' },
      { tenant: 'globex', batchId: 'bench-de', buyerCountry: 'DE' },
    ];
    let suppliers = 0;
    let chunks = 0;
    // The batch record's size once its upload is done (every chunk counted): what each count's update is billed by.
    const batchBytes: number[] = [];
    for (const u of uploads) {
      await runtime.upload(file, { ...u, asOf });
      const batch = await runtime.waitForBatch(u.tenant, u.batchId, { timeoutMs: 30 * 60_000 });
      suppliers += batch.suppliersStored;
      chunks += batch.chunks ?? 0;
      const item = await runtime.dynamo.client.send(
        new GetItemCommand({
          TableName: LOCAL_TABLE,
          Key: marshall(batchKey(u.tenant, u.batchId)),
          ConsistentRead: true,
        }),
      );
      batchBytes.push(itemBytes(item.Item ?? {}));
    }
    const first = snapshot(m);
    const afterFirst = await supplierPartitions(runtime.dynamo.client);
    const firstIndex = indexUnits(new Map(), afterFirst);
    const sizes = [...afterFirst.values()].filter((i) => text(i.sk) === SUPPLIER_SK).map(itemBytes);
    const scoresBefore = new Map<string, number>();
    for (const u of uploads) {
      let cursor: string | null = null;
      do {
        const page = await runtime.store.listSuppliers(u.tenant, { limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const s of page.items) scoresBefore.set(`${u.tenant}/${s.supplierId}`, s.summary.score);
        cursor = page.cursor;
      } while (cursor);
    }

    // The policy bench's revision: reaches US buyers only, so about half the suppliers are examined and few move.
    await runtime.notify.queue.stop();
    const { started } = await extendSuspension(runtime.policy, asOf);
    const view = await runtime.waitForRun(started.runId, { timeoutMs: 30 * 60_000 });

    const afterRescore = await supplierPartitions(runtime.dynamo.client);
    const rescoreIndex = indexUnits(afterFirst, afterRescore);
    // What a rescore scan reads, and what a moved supplier's next write is billed by: the items after the run.
    const sizesAfter = [...afterRescore.values()].filter((i) => text(i.sk) === SUPPLIER_SK).map(itemBytes);
    // The groups' units go to the suppliers they record (a group's partition is the tenant feed's, no supplier's).
    const rescoreGroupUnits = m.groups - first.groups;
    let unchangedUnits = 0;
    // Units on unchanged suppliers whose next change date alone moved: the cheap update the issue allows.
    let dateOnlyUnits = 0;
    let dateOnly = 0;
    let changedUnits = rescoreGroupUnits;
    let unchanged = 0;
    let changed = 0;
    for (const u of uploads) {
      let cursor: string | null = null;
      do {
        const page = await runtime.store.listSuppliers(u.tenant, { limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const s of page.items) {
          const pk = supplierPk(u.tenant, s.supplierId);
          const units =
            (m.bySupplier.get(pk) ?? 0) - (first.bySupplier.get(pk) ?? 0) + (rescoreIndex.bySupplier.get(pk) ?? 0);
          if (s.summary.score === scoresBefore.get(`${u.tenant}/${s.supplierId}`)) {
            const dateBefore = afterFirst.get(`${pk}|${SUPPLIER_SK}`)?.nextChangeDate?.S ?? null;
            if (units > 0 && dateBefore !== s.nextChangeDate) {
              dateOnlyUnits += units;
              dateOnly++;
            } else unchangedUnits += units;
            unchanged++;
          } else {
            changedUnits += units;
            changed++;
          }
        }
        cursor = page.cursor;
      } while (cursor);
    }
    const runTotal = Object.values(m.byKind).reduce((a, b) => a + b, 0);
    const firstTotal = Object.values(first.byKind).reduce((a, b) => a + b, 0);
    return {
      suppliers,
      chunks,
      batchBytesMax: Math.max(...batchBytes),
      first: first.byKind,
      firstIndexes: firstIndex.byIndex,
      firstTotal: firstTotal + Object.values(firstIndex.byIndex).reduce((a, b) => a + b, 0),
      itemBytes: { p50: percentile(sizes, 50), p90: percentile(sizes, 90), max: Math.max(...sizes) },
      itemBytesAfterRescore: {
        mean: Math.round(sizesAfter.reduce((a, b) => a + b, 0) / Math.max(1, sizesAfter.length)),
        p90: percentile(sizesAfter, 90),
        overOneKb: sizesAfter.filter((b) => b > 1024).length / Math.max(1, sizesAfter.length),
      },
      // What a scan of the table reads per supplier: its item and its share of the change records kept.
      scanBytesPerSupplier: Math.round(
        [...afterRescore.values()].reduce((n, i) => n + itemBytes(i), 0) / Math.max(1, sizesAfter.length),
      ),
      rescore: {
        examined: view.counts.examined,
        changed,
        unchanged,
        unchangedUnits,
        dateOnlyUnits,
        dateOnly,
        changedUnits,
        groupUnits: rescoreGroupUnits,
        indexes: rescoreIndex.byIndex,
        bookkeepingUnits:
          runTotal -
          firstTotal -
          unchangedUnits -
          dateOnlyUnits -
          changedUnits +
          Object.values(rescoreIndex.byIndex).reduce((a, b) => a + b, 0),
      },
    };
  } finally {
    await runtime.stop();
  }
}

const [file, asOf] = process.argv.slice(2);
if (!file || !asOf) {
  process.stderr.write('usage: store.child.ts FILE AS_OF\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(file, asOf))}\n`);
