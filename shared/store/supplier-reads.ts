/**
 * The supplier reads on DynamoDB: one supplier, and a tenant's list, worst band first (the merge of the sharded
 * `byScore` index, a window at a time, then BatchGetItem of the listed keys; a band's list reads only its keys).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { byScoreSources, type KeyRange, rangeStart } from './by-score-ranges.ts';
import { InvalidCursorError } from './errors.ts';
import { BAND_RANK, byScorePosition, byScoreShardPk, compareKeyBytes, SUPPLIER_SK, supplierPk } from './keys.ts';
import { decodeListCursor, encodeListCursor } from './list-cursor.ts';
import { retryUnprocessed } from './retry.ts';
import { fromItem, isLive } from './supplier-items.ts';
import type { ListSuppliersOptions, StoredSupplier, SupplierReads } from './supplier-port.ts';
import { TABLE } from './table.ts';

/** One source of a shard (by-score-ranges.ts): its ranges, and the position it resumes after. */
interface Source {
  pk: string;
  ranges: KeyRange[];
  after: string | null;
  done: boolean;
}

/** An index entry (its keys, keys only) and where it lists. */
interface IndexKey {
  key: Record<string, unknown>;
  position: string;
}

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
    // The index is sharded, and a shard is read as sources of key ranges (by-score-ranges.ts): the list is the merge
    // of every source in list order, walked a window at a time. Every position up to the last one consumed has been
    // consumed in every source, so that one position is where each source resumes.
    const start = options.cursor === undefined ? null : decodeListCursor(options.cursor);
    if (options.cursor !== undefined && start === null)
      throw new InvalidCursorError('not a cursor of the supplier list');
    const ranges = byScoreSources(options.band === undefined ? undefined : BAND_RANK[options.band]);
    const sources: Source[] = Array.from({ length: TABLE.indexes.byScore.shards }, (_, shard) =>
      ranges.map((r) => ({ pk: byScoreShardPk(tenant, shard), ranges: r, after: start, done: false })),
    ).flat();
    let last = start;
    const window = filter ? 100 : limit + 1;
    const items: StoredSupplier[] = [];
    const listed = new Set<string>();
    let examined = 0;
    for (;;) {
      const open = sources.filter((s) => !s.done);
      const pages = await Promise.all(open.map(async (source) => ({ source, ...(await this.read(source, window)) })));
      // Only positions up to the smallest last one of a source that has more are surely in order with what is unread.
      let bound: string | null = null;
      for (const p of pages) {
        const lastRead = p.keys[p.keys.length - 1]?.position;
        if (p.more && lastRead !== undefined && (bound === null || compareKeyBytes(lastRead, bound) < 0))
          bound = lastRead;
      }
      const within = (position: string) => bound === null || compareKeyBytes(position, bound) <= 0;
      const merged = pages
        .flatMap(({ source, keys }) => keys.map((k) => ({ source, ...k })))
        .filter((e) => within(e.position))
        .sort((a, b) => compareKeyBytes(a.position, b.position));
      let i = 0;
      let stopped = false;
      while (i < merged.length && !stopped) {
        // Unfiltered, read only what the page still needs; filtered, a chunk at a time.
        const size = filter ? 100 : Math.min(100, limit - items.length);
        const chunk = merged.slice(i, i + size);
        // A supplier moved by a write while its shard was read is in the index at its old and its new position (twice
        // in a chunk, which BatchGetItem refuses): one get each.
        const pks = [...new Set(chunk.map(({ key }) => key.pk as string))];
        const found = await this.getLive(pks.map((pk) => ({ pk, sk: SUPPLIER_SK })));
        for (const { source, key, position } of chunk) {
          i++;
          examined++;
          source.after = position;
          last = position;
          const s = found.get(key.pk as string);
          // Listed once, as it is now, at the first of its positions this page reaches. Not only where its item says
          // it lists: the index and the item are read apart (both eventually consistent in DynamoDB), and a supplier
          // just rescored could then match neither place and be left out.
          if (s && !listed.has(key.pk as string) && (!filter || filter(s))) {
            listed.add(key.pk as string);
            items.push(s);
          }
          if (items.length >= limit || examined >= maxExamined) {
            stopped = true;
            break;
          }
        }
      }
      const more = pages.some((p) => p.more);
      if (stopped)
        return { items, cursor: (i < merged.length || more) && last !== null ? encodeListCursor(last) : null };
      if (!more) return { items, cursor: null };
      // A source read to its end, all of it consumed, is not read again.
      for (const p of pages) if (!p.more && p.keys.every((k) => within(k.position))) p.source.done = true;
    }
  }

  /**
   * Up to about `window` index keys of a source after its position, in list order, its ranges read in turn; `more`
   * unless it was read to its end.
   */
  private async read(source: Source, window: number): Promise<{ keys: IndexKey[]; more: boolean }> {
    const keys: IndexKey[] = [];
    for (const range of source.ranges) {
      const lo = rangeStart(range, source.after);
      if (lo === null) continue;
      if (keys.length >= window) return { keys, more: true };
      let startKey: Record<string, unknown> | undefined;
      do {
        // From `lo` inclusive (a key condition has no exclusive lower bound with an upper one): at most one key lists
        // at the position itself, so one more than needed is asked for, and what lists at or before it is dropped.
        const r = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.indexes.byScore.name,
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: { ':pk': source.pk, ':lo': lo, ':hi': range.hi },
            Limit: window - keys.length + 1,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        const before = keys.length;
        for (const key of r.Items ?? []) {
          const position = byScorePosition(String(key.gsi1sk));
          if (source.after === null || compareKeyBytes(position, source.after) > 0) keys.push({ key, position });
        }
        startKey = r.LastEvaluatedKey;
        if (startKey && keys.length > before) return { keys, more: true };
      } while (startKey);
    }
    return { keys, more: false };
  }

  /** BatchGetItem of up to 100 distinct keys: the live suppliers among them (one deleted meanwhile is left out), by pk. */
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
