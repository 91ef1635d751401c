/**
 * The change log on DynamoDB (issue 10). A record sits beside its supplier (T#{tenant}#S#{id} / CHG#{sequence}), so
 * its key is fixed by the supplier write that made it: writing it again (a redelivery) is a no-op, which is what makes
 * it exactly once. The tenant's feed reads the `changes` index, sharded, in the order records were written. An upload
 * chunk's new suppliers' records are one change group (change-groups.ts), a base-table item of the shard's partition
 * with no index entry: the feed reads both per shard, and it and the history list a group's records as if each were
 * alone.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRecord } from '../changes/change-record.ts';
import { CHANGE_LOG, type ChangeFeedPage, type ChangeLog } from '../changes/port.ts';
import {
  entryOf,
  GROUP_ATTRIBUTE,
  groupEntries,
  LAST_IN_ATTRIBUTE,
  MAX_GROUP_HOPS,
  NEW_IN_ATTRIBUTE,
  readGroupParts,
  sequenceOf,
} from './change-groups.ts';
import { InvalidCursorError } from './errors.ts';
import {
  CHANGE_SK_PATTERN,
  CHANGE_SK_PREFIX,
  changeSk,
  changesPk,
  changesShardPk,
  changesSk,
  changesSkTime,
  compareKeyBytes,
  parseChangeGroupRef,
  parsePageGroupRef,
  SUPPLIER_SK,
  supplierPk,
} from './keys.ts';
import { TABLE } from './table.ts';

const DAY_SECONDS = 24 * 3600;

/**
 * A record is stored as its JSON, brotli-compressed (one binary attribute): a new supplier's record is ~1.6 KB of JSON
 * (its drivers' wording and sources), ~0.6 KB compressed, so the item and its `changes` index entry (which projects
 * the whole item) take one write unit each instead of two (issue 12). Quality 11 costs ~2 ms a record and keeps ~90%
 * of records within the unit, where quality 6 (0.06 ms) keeps ~75%: write units cost more than the CPU.
 */
const RECORD_COMPRESSION = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
} as const;

const encodeRecord = (record: ChangeRecord): Uint8Array =>
  brotliCompressSync(JSON.stringify(record), RECORD_COMPRESSION);

/** A stored record: compressed, or the plain JSON string of a record written before compression. */
export const decodeRecord = (value: unknown): ChangeRecord =>
  JSON.parse(
    typeof value === 'string' ? value : brotliDecompressSync(value as Uint8Array).toString('utf8'),
  ) as ChangeRecord;

/** The item of one record: the record (compressed JSON), its keys and its expiry. */
export function changeItem(record: ChangeRecord, sequence: number, recordedAt: string): Record<string, unknown> {
  return {
    pk: supplierPk(record.tenant, record.supplierId),
    sk: changeSk(sequence),
    [TABLE.indexes.changes.partitionKey]: changesPk(record.tenant, record.supplierId),
    [TABLE.indexes.changes.sortKey]: changesSk(recordedAt, record.supplierId, sequence),
    tenant: record.tenant,
    supplierId: record.supplierId,
    record: encodeRecord(record),
    [TABLE.ttlAttribute]: Math.floor(Date.parse(recordedAt) / 1000) + CHANGE_LOG.retentionDays * DAY_SECONDS,
  };
}

/**
 * Writes a record unless it is there (true if written now). Its sequence is the supplier write's. An UpdateItem that
 * creates the item, not a PutItem: the rescore worker's role may update any item but put only its runs' (it never
 * replaces a supplier, infra/stacks/rescore-worker.ts), and the API's may update supplier partitions.
 */
export async function putChangeRecord(
  doc: DynamoDBDocumentClient,
  tableName: string,
  record: ChangeRecord,
  sequence: number,
  now: Date = new Date(),
): Promise<boolean> {
  const { pk, sk, ...attributes } = changeItem(record, sequence, now.toISOString());
  const names = Object.keys(attributes);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk, sk },
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:a${i}`, attributes[n]])),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Feed cursors: the last index sort key read ('' = before the first record). */
const encodeFeedCursor = (sk: string) => `c1.${Buffer.from(sk, 'utf8').toString('base64url')}`;
const FEED_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#.+@\d+$/;

function decodeFeedCursor(cursor: string): string {
  const sk = cursor.startsWith('c1.') ? Buffer.from(cursor.slice(3), 'base64url').toString('utf8') : null;
  if (sk === null || (sk !== '' && !FEED_SK.test(sk)) || encodeFeedCursor(sk) !== cursor)
    throw new InvalidCursorError('this cursor was not given out by GET /v1/changes');
  return sk;
}

const encodeHistoryCursor = (sequenceSk: string) => Buffer.from(sequenceSk, 'utf8').toString('base64url');

function decodeHistoryCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CHANGE_SK_PATTERN.test(sk) || encodeHistoryCursor(sk) !== cursor)
    throw new InvalidCursorError('this cursor was not given out by the supplier history');
  return sk;
}

interface ShardPage {
  items: { sk: string; record: ChangeRecord }[];
  /** The shard has records past the last one read. */
  more: boolean;
}

export class DynamoDbChangeLog implements ChangeLog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async listChanges(tenant: string, options: Parameters<ChangeLog['listChanges']>[1] = {}): Promise<ChangeFeedPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, CHANGE_LOG.maxPageSize));
    const after = options.since === undefined ? '' : decodeFeedCursor(options.since);
    // Without a filter every record read is returned; with one, at most `maxExamined` are read for `limit` matches.
    const examine = options.filter
      ? Math.max(1, Math.min(options.maxExamined ?? limit, 10 * CHANGE_LOG.maxPageSize))
      : limit;
    // Only records old enough that nothing written before them can still be on its way (CHANGE_LOG.settleMs).
    const settled = new Date((options.now ?? new Date()).getTime() - CHANGE_LOG.settleMs).toISOString();
    const { shards } = TABLE.indexes.changes;
    // Each shard's first `examine` records after the cursor hold the first `examine` of the merged order.
    const pages = await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.readShard(changesShardPk(tenant, shard), after, settled, examine),
      ),
    );
    const merged = pages.flatMap((p) => p.items).sort((a, b) => compareKeyBytes(a.sk, b.sk));
    const items: ChangeRecord[] = [];
    let last = after;
    let examined = 0;
    for (const x of merged) {
      if (items.length >= limit || examined >= examine) break;
      examined++;
      last = x.sk;
      if (!options.filter || options.filter(x.record)) items.push(x.record);
    }
    const more = examined < merged.length || pages.some((p) => p.more);
    return { items, cursor: encodeFeedCursor(last), more };
  }

  /**
   * One shard's first `limit` records after the cursor: single records from the `changes` index, change groups from
   * the base table's partition of the same key (a group pays no index entry, change-groups.ts), merged in key order.
   */
  private async readShard(pk: string, after: string, settled: string, limit: number): Promise<ShardPage> {
    if (compareKeyBytes(after, settled) >= 0) return { items: [], more: false };
    const { partitionKey, sortKey, name } = TABLE.indexes.changes;
    const sources = await Promise.all([
      this.readSource({ index: name, partitionKey, sortKey }, pk, after, settled, limit),
      this.readSource({ partitionKey: TABLE.partitionKey, sortKey: TABLE.sortKey }, pk, after, settled, limit),
    ]);
    // A group's records arrive together: the page is cut in key order.
    const items = sources.flatMap((x) => x.items).sort((a, b) => compareKeyBytes(a.sk, b.sk));
    return { items: items.slice(0, limit), more: items.length > limit || sources.some((x) => x.more) };
  }

  /** The entries of one source of a shard after the cursor, up to the settle time: at least `limit + 1` if it has them. */
  private async readSource(
    source: { index?: string; partitionKey: string; sortKey: string },
    pk: string,
    after: string,
    settled: string,
    limit: number,
  ): Promise<ShardPage> {
    const items: ShardPage['items'] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(source.index ? { IndexName: source.index } : {}),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          // BETWEEN is inclusive, and starts at the cursor's millisecond: a change group of that millisecond may hold
          // records past the cursor (its records read as their own keys, the group's key sorts apart); what is at
          // or before the cursor is skipped below. Every key of a record written before `settled` sorts below
          // `settled` itself (same-length ISO times, then '#').
          ExpressionAttributeValues: { ':pk': pk, ':from': after ? changesSkTime(after) : '0', ':to': settled },
          ProjectionExpression: '#sk, #record, #group',
          ExpressionAttributeNames: {
            '#pk': source.partitionKey,
            '#sk': source.sortKey,
            '#record': 'record',
            '#group': GROUP_ATTRIBUTE,
          },
          Limit: limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) {
        const sk = item[source.sortKey] as string;
        // A group's pointer (or a settled empty part) holds no record (change-groups.ts).
        const entries =
          item[GROUP_ATTRIBUTE] !== undefined
            ? groupEntries(sk, item[GROUP_ATTRIBUTE])
            : item.record !== undefined
              ? [{ sk, record: decodeRecord(item.record) }]
              : [];
        for (const e of entries) if (compareKeyBytes(e.sk, after) > 0) items.push(e);
      }
      start = r.LastEvaluatedKey;
    } while (start && items.length <= limit);
    return { items, more: start !== undefined };
  }

  async supplierHistory(
    tenant: string,
    supplierId: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: ChangeRecord[]; cursor: string | null }> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, CHANGE_LOG.maxPageSize));
    const pk = supplierPk(tenant, supplierId);
    const after = options.cursor ? decodeHistoryCursor(options.cursor) : null;
    // Records beside the supplier, and those in groups: its first (an upload chunk's, `newIn`) and its rescores' (a
    // chain of rescore page groups from `lastIn` back), merged in sequence order.
    const [single, grouped] = await Promise.all([
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': CHANGE_SK_PREFIX },
          ExpressionAttributeNames: { '#record': 'record' },
          ProjectionExpression: 'sk, #record',
          Limit: limit,
          ...(after ? { ExclusiveStartKey: { pk, sk: after } } : {}),
        }),
      ),
      this.groupedRecords(tenant, supplierId),
    ]);
    const seen = new Set<string>();
    const merged = [...(single.Items ?? []).map((i) => decodeRecord(i.record)), ...grouped]
      .filter((r) => (after === null || compareKeyBytes(changeSk(sequenceOf(r)), after) > 0) && !seen.has(r.changeId))
      .filter((r) => seen.add(r.changeId))
      .sort((a, b) => sequenceOf(a) - sequenceOf(b));
    // Every single record past the page's last is unread only if the query stopped: what is merged up to `limit` is
    // complete, since each unread single record comes after every one read.
    const items = merged.slice(0, limit);
    const more = merged.length > limit || single.LastEvaluatedKey !== undefined;
    const last = items[items.length - 1];
    return { items, cursor: more && last ? encodeHistoryCursor(changeSk(sequenceOf(last))) : null };
  }

  /**
   * The supplier's records that change groups hold: the one its item's `newIn` names (its first, if the group holds
   * it), and those of the rescore page groups from its `lastIn` back, each group's link naming the one before. A group
   * gone (past the records' retention) ends the walk.
   */
  private async groupedRecords(tenant: string, supplierId: string): Promise<ChangeRecord[]> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK },
        ProjectionExpression: '#n, #l',
        ExpressionAttributeNames: { '#n': NEW_IN_ATTRIBUTE, '#l': LAST_IN_ATTRIBUTE },
      }),
    );
    const records: ChangeRecord[] = [];
    const first = typeof r.Item?.[NEW_IN_ATTRIBUTE] === 'string' ? parseChangeGroupRef(r.Item[NEW_IN_ATTRIBUTE]) : null;
    if (first) {
      const parts = await readGroupParts(this.doc, this.tableName, { tenant, ...first });
      const record = entryOf(parts, supplierId).record;
      if (record) records.push(record);
    }
    let ref = typeof r.Item?.[LAST_IN_ATTRIBUTE] === 'string' ? r.Item[LAST_IN_ATTRIBUTE] : '';
    const visited = new Set<string>();
    while (ref !== '' && !visited.has(ref) && visited.size < MAX_GROUP_HOPS) {
      visited.add(ref);
      const at = parsePageGroupRef(ref);
      if (!at) break;
      const parts = await readGroupParts(this.doc, this.tableName, { tenant, ...at });
      if (parts.length === 0) break;
      const entry = entryOf(parts, supplierId);
      if (entry.record) records.push(entry.record);
      ref = entry.prevIn ?? '';
    }
    return records;
  }
}
