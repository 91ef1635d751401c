/**
 * The supplier reads on DynamoDB: one supplier, and a tenant's list by score (the merge of the sharded `byScore`
 * index, a window at a time, then BatchGetItem of the listed keys).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from './errors.ts';
import { byScoreShardPk, compareKeyBytes, SUPPLIER_SK, supplierPk } from './keys.ts';
import { decodeListCursor, encodeListCursor } from './list-cursor.ts';
import { retryUnprocessed } from './retry.ts';
import { fromItem, isLive } from './supplier-items.ts';
import type { ListSuppliersOptions, StoredSupplier, SupplierReads } from './supplier-port.ts';
import { TABLE } from './table.ts';

export class DynamoDbSupplierReads implements SupplierReads {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async getSupplier(tenant: string, supplierId: string): Promise<StoredSupplier | null> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK } }),
    );
    return isLive(r.Item) ? fromItem(r.Item) : null;
  }

  async listSuppliers(
    tenant: string,
    options: ListSuppliersOptions = {},
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    const { filter } = options;
    const maxExamined = options.maxExamined ?? Number.POSITIVE_INFINITY;
    const { byScore } = TABLE.indexes;
    // The index is sharded: the list is the merge of the shards in key order, walked a window at a time. Every key up
    // to the last one consumed has been consumed in every shard, so that one key is where each shard resumes.
    const start = options.cursor === undefined ? null : decodeListCursor(options.cursor);
    if (options.cursor !== undefined && start === null)
      throw new InvalidCursorError('not a cursor of the supplier list');
    const after: Record<number, string> = {};
    if (start !== null) for (let shard = 0; shard < byScore.shards; shard++) after[shard] = start;
    let last = start;
    const window = filter ? 100 : limit + 1;
    const items: StoredSupplier[] = [];
    let examined = 0;
    for (;;) {
      const perShard = await Promise.all(
        Array.from({ length: byScore.shards }, async (_, shard) => {
          const pk = byScoreShardPk(tenant, shard);
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: byScore.name,
              KeyConditionExpression: after[shard] ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
              ExpressionAttributeValues: after[shard] ? { ':pk': pk, ':after': after[shard] } : { ':pk': pk },
              Limit: window,
            }),
          );
          const keys = r.Items ?? [];
          return { shard, keys, more: r.LastEvaluatedKey !== undefined && keys.length > 0 };
        }),
      );
      // Only keys up to the smallest last key of a shard that has more are surely in order with what is unread.
      let bound: string | null = null;
      for (const p of perShard) {
        if (!p.more) continue;
        const last = String(p.keys[p.keys.length - 1]?.gsi1sk);
        if (bound === null || compareKeyBytes(last, bound) < 0) bound = last;
      }
      const merged = perShard
        .flatMap(({ shard, keys }) => keys.map((k) => ({ shard, k, key: String(k.gsi1sk) })))
        .filter((e) => bound === null || compareKeyBytes(e.key, bound) <= 0)
        .sort((a, b) => compareKeyBytes(a.key, b.key));
      let i = 0;
      let stopped = false;
      while (i < merged.length && !stopped) {
        // Unfiltered, read only what the page still needs; filtered, a chunk at a time.
        const size = filter ? 100 : Math.min(100, limit - items.length);
        const chunk = merged.slice(i, i + size);
        const found = await this.getLive(chunk.map(({ k }) => ({ pk: k.pk, sk: k.sk })));
        for (const { shard, k, key } of chunk) {
          i++;
          examined++;
          after[shard] = key;
          last = key;
          const s = found.get(k.pk as string);
          if (s && (!filter || filter(s))) items.push(s);
          if (items.length >= limit || examined >= maxExamined) {
            stopped = true;
            break;
          }
        }
      }
      const more = perShard.some((p) => p.more);
      if (stopped)
        return { items, cursor: (i < merged.length || more) && last !== null ? encodeListCursor(last) : null };
      if (!more) return { items, cursor: null };
    }
  }

  /** BatchGetItem of up to 100 keys: the live suppliers among them (one deleted meanwhile is left out), by pk. */
  private async getLive(keys: Record<string, unknown>[]): Promise<Map<string, StoredSupplier>> {
    const byPk = new Map<string, StoredSupplier>();
    const table = this.tableName;
    // A page never leaves out what the index listed: still unprocessed after the retries is an error, not a gap.
    await retryUnprocessed(
      { [table]: keys },
      async (pending) => {
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending[table] } } }));
        for (const item of r.Responses?.[table] ?? []) if (isLive(item)) byPk.set(item.pk as string, fromItem(item));
        const left = r.UnprocessedKeys?.[table]?.Keys;
        return left ? { [table]: left } : undefined;
      },
      10,
      'BatchGetItem',
    );
    return byPk;
  }
}
