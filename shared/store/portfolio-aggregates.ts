/**
 * The portfolio aggregates on DynamoDB (issue 12). One small item per tenant × cell × shard (pk T#{tenant}#AGG#{shard},
 * sk AGG#{cellId}) holding the cell's sums (n, s, w, u), and beside it one item per ten points of score
 * (sk AGG#{cellId}~{decile}) holding the cell's score counts as attributes v{tenths}: every item stays well under
 * 1 KB, so each update costs one write unit whatever the portfolio's size. Updates are ADDs: deltas from any number
 * of writers compose, and a delta may land in any shard — a read sums the shards, so the shard only spreads the load.
 * Numbers are bigints both ways (sums of a million suppliers' spend × score pass 2^53; DynamoDB keeps 38 digits).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Aggregate, type Cell, emptyCell } from '../model/portfolio-aggregate.ts';
import type { PortfolioAggregates, StoredAggregate } from '../portfolio/port.ts';
import { aggregatePk, shardOf } from './keys.ts';
import { retryUnprocessed } from './retry.ts';

/**
 * Shards per tenant: a read queries each, a delta goes to one. Four partitions take a large upload's updates (one per
 * touched item per chunk of ~500 suppliers) with room to spare; more would only make every read longer.
 */
export const AGGREGATE_SHARDS = 4;
/** Concurrent UpdateItems of one delta. */
const UPDATE_CONCURRENCY = 16;
/** Score counts per item: ten points (100 tenths) of score. */
const TENTHS_PER_ITEM = 100;

/** Every tenant's aggregate partitions, as `dynamodb:LeadingKeys` patterns (infra/stacks/portfolio-reconcile.ts). */
export const AGGREGATE_PARTITIONS = [aggregatePk('*', '*')] as const;
const CELL_PREFIX = 'AGG#';
const cellSk = (id: string) => `${CELL_PREFIX}${id}`;
const countsSk = (id: string, decile: number) => `${CELL_PREFIX}${id}~${decile}`;
/** The tenant's reconciliation stamp, in shard 0. */
const META_SK = 'AGGMETA';
/** Items of aggregates carry this attribute: what a reconciliation's scan recognises them by. */
export const AGGREGATE_TENANT_ATTRIBUTE = 'aggTenant';
export const AGGREGATE_SK_PREFIX = CELL_PREFIX;

const countName = (tenths: number) => `v${tenths}`;

/** A number as DynamoDB returned it (wrapped: its exact digits), as a bigint. */
const big = (v: unknown): bigint => {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'object' && 'value' in v) return BigInt(String((v as { value: unknown }).value));
  return BigInt(String(v));
};

/** A cell's score counts, grouped into the items that hold them. */
function countsByItem(h: Map<number, bigint>): Map<number, Map<number, bigint>> {
  const out = new Map<number, Map<number, bigint>>();
  for (const [tenths, k] of h) {
    if (k === 0n) continue;
    const decile = Math.floor(tenths / TENTHS_PER_ITEM);
    const m = out.get(decile) ?? new Map<number, bigint>();
    m.set(tenths, k);
    out.set(decile, m);
  }
  return out;
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class DynamoDbPortfolioAggregates implements PortfolioAggregates {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
      unmarshallOptions: { wrapNumbers: true },
    });
  }

  /** The UpdateItems of one delta: ADD of each non-zero sum and count, and the time of the write. */
  private updatesOf(tenant: string, delta: Aggregate, shard: number, at: string): UpdateCommand[] {
    const pk = aggregatePk(tenant, shard);
    const out: UpdateCommand[] = [];
    const update = (sk: string, adds: [string, bigint][]) => {
      const names: Record<string, string> = { '#t': AGGREGATE_TENANT_ATTRIBUTE, '#at': 'at' };
      const values: Record<string, unknown> = { ':t': tenant, ':at': at };
      adds.forEach(([name, v], i) => {
        names[`#a${i}`] = name;
        values[`:a${i}`] = v;
      });
      out.push(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: `ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')} SET #t = :t, #at = :at`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    };
    for (const [id, c] of delta) {
      const sums = (['n', 's', 'w', 'u'] as const)
        .map((f) => [f, c[f]] as [string, bigint])
        .filter(([, v]) => v !== 0n);
      if (sums.length > 0) update(cellSk(id), sums);
      for (const [decile, counts] of countsByItem(c.h))
        update(
          countsSk(id, decile),
          [...counts].map(([tenths, k]) => [countName(tenths), k]),
        );
    }
    return out;
  }

  /** Commands of a delta, for measuring what it costs (ReturnConsumedCapacity) without duplicating the layout. */
  commandsOf(tenant: string, delta: Aggregate, shardKey: string, at: string): UpdateCommand[] {
    return this.updatesOf(tenant, delta, shardOf(shardKey, AGGREGATE_SHARDS), at);
  }

  async apply(tenant: string, delta: Aggregate, shardKey: string, at: string): Promise<void> {
    const commands = this.commandsOf(tenant, delta, shardKey, at);
    await forEachLimit(commands, UPDATE_CONCURRENCY, async (c) => {
      await this.doc.send(c);
    });
  }

  /** Every item of the tenant's aggregates, shard by shard. */
  private async items(tenant: string, projection?: string): Promise<Record<string, unknown>[]> {
    const perShard = await Promise.all(
      Array.from({ length: AGGREGATE_SHARDS }, async (_, shard) => {
        const out: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': aggregatePk(tenant, shard) },
              ExclusiveStartKey: start,
              ...(projection ? { ProjectionExpression: projection } : {}),
            }),
          );
          out.push(...(r.Items ?? []));
          start = r.LastEvaluatedKey;
        } while (start);
        return out;
      }),
    );
    return perShard.flat();
  }

  async read(tenant: string): Promise<StoredAggregate> {
    const readAt = new Date().toISOString();
    const aggregate: Aggregate = new Map();
    let updatedAt: string | null = null;
    let reconciledAt: string | null = null;
    const cell = (id: string): Cell => {
      let c = aggregate.get(id);
      if (!c) {
        c = emptyCell();
        aggregate.set(id, c);
      }
      return c;
    };
    for (const item of await this.items(tenant)) {
      const sk = String(item.sk);
      if (sk === META_SK) {
        reconciledAt = String(item.reconciledAt);
        continue;
      }
      if (!sk.startsWith(CELL_PREFIX)) continue;
      const at = String(item.at);
      if (updatedAt === null || at > updatedAt) updatedAt = at;
      const tilde = sk.indexOf('~');
      if (tilde < 0) {
        const c = cell(sk.slice(CELL_PREFIX.length));
        c.n += big(item.n);
        c.s += big(item.s);
        c.w += big(item.w);
        c.u += big(item.u);
        continue;
      }
      const c = cell(sk.slice(CELL_PREFIX.length, tilde));
      for (const [name, v] of Object.entries(item)) {
        if (!/^v\d+$/.test(name)) continue;
        const tenths = Number(name.slice(1));
        c.h.set(tenths, (c.h.get(tenths) ?? 0n) + big(v));
      }
    }
    return { aggregate, updatedAt, reconciledAt, readAt };
  }

  /**
   * The recount goes to shard 0 as whole items; every other item of the tenant's aggregates is deleted. Not atomic:
   * a read meanwhile may see part of it, and a delta landing between the recount's scan and this write is lost or
   * counted twice until the next reconciliation (run it when writes are quiet: after the rescore runs, daily).
   */
  async replace(tenant: string, aggregate: Aggregate, at: string): Promise<void> {
    const pk = aggregatePk(tenant, 0);
    const puts = new Map<string, Record<string, unknown>>();
    const base = { pk, [AGGREGATE_TENANT_ATTRIBUTE]: tenant, at };
    for (const [id, c] of aggregate) {
      puts.set(`${pk}|${cellSk(id)}`, { ...base, sk: cellSk(id), n: c.n, s: c.s, w: c.w, u: c.u });
      for (const [decile, counts] of countsByItem(c.h))
        puts.set(`${pk}|${countsSk(id, decile)}`, {
          ...base,
          sk: countsSk(id, decile),
          ...Object.fromEntries([...counts].map(([tenths, k]) => [countName(tenths), k])),
        });
    }
    const stale = (await this.items(tenant, 'pk, sk'))
      .filter((k) => String(k.sk) !== META_SK && !puts.has(`${k.pk}|${k.sk}`))
      .map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } }));
    const requests = [...[...puts.values()].map((Item) => ({ PutRequest: { Item } })), ...stale];
    for (let i = 0; i < requests.length; i += 25) {
      await retryUnprocessed({ [this.tableName]: requests.slice(i, i + 25) }, async (RequestItems) => {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems } as BatchWriteCommandInput));
        return r.UnprocessedItems as typeof RequestItems | undefined;
      });
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk, sk: META_SK, [AGGREGATE_TENANT_ATTRIBUTE]: tenant, reconciledAt: at },
      }),
    );
  }
}
