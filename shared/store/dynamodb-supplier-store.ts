import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { ChangeCause, ChangeRecord } from '../changes/change-record.ts';
import type { ScoredSupplier, SupplierInput } from '../model/types.ts';
import type { Rejection } from '../supplier-list/row.ts';
import { putChangeRecord } from './change-log.ts';
import { decodeListCursor, encodeListCursor } from './list-cursor.ts';
import {
  type BatchRecord,
  type BatchTotals,
  type DeleteOutcome,
  emptyPutScoredResult,
  InvalidCursorError,
  type ListSuppliersOptions,
  type NewBatch,
  PartialWriteError,
  type PutScoredResult,
  type ScoredWrite,
  type StoredSupplier,
  type SupplierStore,
  type WriteMode,
  type WriteOptions,
} from './port.ts';
import { contributionAttribute, contributionChange } from './portfolio-aggregates-contribution.ts';
import { retryUnprocessed } from './retry.ts';
import { CHANGE_ATTRIBUTES, changeClauses, changeOfItem, changeOfWrite, defaultCause } from './supplier-changes.ts';
import {
  BATCH_SK,
  batchPk,
  byScorePk,
  byScoreSk,
  dueForRescorePk,
  dueForRescoreSk,
  errorSk,
  SUPPLIER_SK,
  supplierPk,
  TABLE,
} from './table.ts';

/** Concurrent conditional puts per chunk: enough to hide latency, few enough not to burst a partition. */
const PUT_CONCURRENCY = 16;
/** Rejections are kept for the batch's error listing for 90 days. */
const REJECTION_TTL_SECONDS = 90 * 24 * 3600;

type BatchWriteWriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const nowIso = () => new Date().toISOString();

interface SupplierItem {
  pk: string;
  sk: string;
  tenant: string;
  supplierId: string;
  inputVersion: number;
  /** JSON strings: one attribute each, cheap to marshal and returned verbatim. */
  input: string;
  result: string;
  score: number;
  band: string;
  asOf: string;
  modelVersion: string;
  dataVersion: string;
  minerals: string[];
  countries: string[];
  nextChangeDate?: string;
  batchId?: string;
  updatedAt: string;
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk?: string;
  gsi2sk?: string;
}

export function toItem(tenant: string, x: ScoredWrite, at: string): SupplierItem {
  const id = x.input.supplierId;
  const countries = new Set<string>();
  for (const e of x.input.exposures) {
    // An unknown origin is the world mix: `WORLD`, as its lines show it.
    countries.add(e.originCountry ?? 'WORLD');
    if (e.processingCountry) countries.add(e.processingCountry);
  }
  const item: SupplierItem = {
    pk: supplierPk(tenant, id),
    sk: SUPPLIER_SK,
    tenant,
    supplierId: id,
    inputVersion: x.inputVersion,
    input: JSON.stringify(x.input),
    result: JSON.stringify(x.result),
    score: x.result.score,
    band: x.result.band,
    asOf: x.result.asOf,
    modelVersion: x.result.modelVersion,
    dataVersion: x.result.dataVersion,
    minerals: [...new Set(x.input.exposures.map((e) => e.mineral))],
    countries: [...countries],
    updatedAt: at,
    gsi1pk: byScorePk(tenant, id),
    gsi1sk: byScoreSk(x.result.score, id),
    ...contributionAttribute(x.result),
  };
  if (x.batchId) item.batchId = x.batchId;
  if (x.nextChangeDate) {
    item.nextChangeDate = x.nextChangeDate;
    item.gsi2pk = dueForRescorePk(tenant, id);
    item.gsi2sk = dueForRescoreSk(x.nextChangeDate, tenant, id);
  }
  return item;
}

/** What a tombstone does not keep (its change attributes stay: the next write derives its change from them). */
const TOMBSTONE_REMOVES = [
  'input',
  'result',
  'summary',
  'score',
  'band',
  'asOf',
  'modelVersion',
  'dataVersion',
  'minerals',
  'countries',
  'nextChangeDate',
  'batchId',
  'updatedAt',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
];

/**
 * A deleted supplier leaves a tombstone: its key, the delete's version and `deletedAt`, no index keys. Upserts of an
 * older version fail their condition against it, so a message queued before the delete cannot bring the supplier
 * back. It has no TTL: a DLQ redrive restarts a message's retention, so no age bounds how late an old write can come,
 * and a tombstone is a few dozen bytes. A newer PUT replaces it.
 */ const isLive = (item: Record<string, unknown> | undefined): item is Record<string, unknown> =>
  item !== undefined && item.deletedAt === undefined;

/** A supplier item as the application sees it (the rescore scan reads items through it too). */
export function fromItem(item: Record<string, unknown>): StoredSupplier {
  return {
    tenant: item.tenant as string,
    supplierId: item.supplierId as string,
    inputVersion: item.inputVersion as number,
    input: JSON.parse(item.input as string) as SupplierInput,
    result: JSON.parse(item.result as string) as ScoredSupplier,
    nextChangeDate: (item.nextChangeDate as string | undefined) ?? null,
    batchId: (item.batchId as string | undefined) ?? null,
    updatedAt: item.updatedAt as string,
  };
}

function toBatch(item: Record<string, unknown>): BatchRecord {
  const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
  const nn = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : null);
  return {
    tenant: item.tenant as string,
    batchId: item.batchId as string,
    status: item.status as BatchRecord['status'],
    source: (item.source as BatchRecord['source']) ?? null,
    asOf: (item.asOf as string | undefined) ?? null,
    buyerCountry: item.buyerCountry as string,
    inputVersion: item.inputVersion as number,
    rows: nn('rows'),
    accepted: nn('accepted'),
    rejected: nn('rejected'),
    suppliers: nn('suppliers'),
    chunks: nn('chunks'),
    chunksDone: n('chunksDone'),
    suppliersStored: n('suppliersStored'),
    suppliersSuperseded: n('suppliersSuperseded'),
    rowsStored: n('rowsStored'),
    rowsSuperseded: n('rowsSuperseded'),
    chunksDeadLettered: n('chunksDeadLettered'),
    rowsDeadLettered: n('rowsDeadLettered'),
    rowsNotQueued: n('rowsNotQueued'),
    suppliersNotQueued: n('suppliersNotQueued'),
    failure: (item.failure as string | undefined) ?? null,
    uploadETag: (item.uploadETag as string | undefined) ?? null,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    completedAt: (item.completedAt as string | undefined) ?? null,
  };
}

/**
 * Runs `fn` over the items, at most `limit` at a time, and resolves once every call has settled: a failure never
 * leaves writes running behind the caller (in Lambda they would resume, frozen, in a later invocation). Once
 * `signal` aborts, the items not started yet fail with its reason.
 */
async function settleLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  const out = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      if (signal?.aborted) {
        out[i] = { status: 'rejected', reason: signal.reason };
        continue;
      }
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i] as T) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What a dead-lettered chunk was counted as (the d{n} attribute; a plain number of rows in older records). */
interface DeadLetteredPart extends PutScoredResult {
  rows: number;
}

function deadLetteredPart(value: unknown): DeadLetteredPart {
  if (typeof value === 'number') return { rows: value, ...emptyPutScoredResult() };
  const v = (value ?? {}) as Partial<DeadLetteredPart>;
  return {
    rows: v.rows ?? 0,
    stored: v.stored ?? 0,
    superseded: v.superseded ?? 0,
    rowsStored: v.rowsStored ?? 0,
    rowsSuperseded: v.rowsSuperseded ?? 0,
  };
}

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
const decodeCursor = (cursor: string | undefined) =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;

/** DynamoDB orders string sort keys by their UTF-8 bytes: pages merged across shards must use the same order. */
const compareKeyBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The supplier store on DynamoDB (AWS or dynalite): conditional single-item writes, no transactions. */
export class DynamoDbSupplierStore implements SupplierStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async putScored(
    tenant: string,
    mode: WriteMode,
    items: ScoredWrite[],
    options: WriteOptions = {},
  ): Promise<PutScoredResult> {
    const { signal, changes } = options;
    const send = signal ? { abortSignal: signal } : {};
    const outcomes = await settleLimit(
      items,
      PUT_CONCURRENCY,
      async (x) => {
        const cause = x.cause ?? defaultCause(x.batchId);
        const at = nowIso();
        const rows = x.input.exposures.length;
        let old: Record<string, unknown> | undefined;
        try {
          const command =
            mode === 'rescore' ? this.rescoreUpdate(tenant, x, cause, at) : this.upsertUpdate(tenant, x, cause, at);
          old = (await this.doc.send(command, send)).Attributes;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
          // What this message carries is already stored: an earlier delivery of it wrote it (and may have died
          // before counting it, or before writing its change record). It counts as stored, and is not written again.
          const stored = await this.alreadyStored(tenant, mode, x);
          if (!stored) return { stored: false, rows };
          await this.recordChange(changeOfItem(stored), changes);
          return { stored: true, rows };
        }
        await this.recordChange(
          changeOfWrite({ tenant, supplierId: x.input.supplierId, old, after: x.result, cause, at }),
          changes,
        );
        options.contributions?.push(contributionChange(x.input.supplierId, old, x.result));
        return { stored: true, rows };
      },
      signal,
    );
    const result = emptyPutScoredResult();
    let failed = 0;
    let firstError: unknown;
    for (const settled of outcomes) {
      if (settled.status === 'rejected') {
        failed++;
        firstError ??= settled.reason;
        continue;
      }
      const o = settled.value;
      if (o.stored) {
        result.stored++;
        result.rowsStored += o.rows;
      } else {
        result.superseded++;
        result.rowsSuperseded += o.rows;
      }
    }
    if (failed > 0) throw new PartialWriteError(result, failed, firstError);
    return result;
  }

  private async recordChange(
    change: { record: ChangeRecord; sequence: number } | null,
    changes: ChangeRecord[] | undefined,
  ): Promise<void> {
    if (!change) return;
    await putChangeRecord(this.doc, this.tableName, change.record, change.sequence);
    changes?.push(change.record);
  }

  /**
   * An upsert replaces the whole item (a tombstone too) when its input is newer. An UpdateItem, not a PutItem, so
   * the stored summary can move to `prevSummary` in the same write (supplier-changes.ts).
   */
  private upsertUpdate(tenant: string, x: ScoredWrite, cause: ChangeCause, at: string): UpdateCommand {
    const { pk, sk, ...attributes } = toItem(tenant, x, at);
    const absent = ['deletedAt', 'batchId', 'nextChangeDate', 'gsi2pk', 'gsi2sk'].filter((k) => !(k in attributes));
    return this.update({ pk, sk }, attributes, absent, changeClauses(x.result, cause, at), {
      condition: 'attribute_not_exists(pk) OR inputVersion < :v',
      values: { ':v': x.inputVersion },
    });
  }

  /**
   * A rescore replaces the score of the very input it was computed from (same inputVersion) and keeps the input and
   * the upload it came from. The same score (same as-of date, model and data versions) is not written again.
   */
  private rescoreUpdate(tenant: string, x: ScoredWrite, cause: ChangeCause, at: string): UpdateCommand {
    const item = toItem(tenant, x, at);
    const set: Record<string, unknown> = {
      result: item.result,
      score: item.score,
      band: item.band,
      asOf: item.asOf,
      modelVersion: item.modelVersion,
      dataVersion: item.dataVersion,
      updatedAt: item.updatedAt,
      gsi1sk: item.gsi1sk,
      ...contributionAttribute(x.result),
      ...(item.nextChangeDate ? { nextChangeDate: item.nextChangeDate, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk } : {}),
    };
    const absent = item.nextChangeDate ? [] : ['nextChangeDate', 'gsi2pk', 'gsi2sk'];
    return this.update({ pk: item.pk, sk: item.sk }, set, absent, changeClauses(x.result, cause, at), {
      condition:
        'inputVersion = :v AND NOT (#asOf = :asOf AND #modelVersion = :modelVersion AND #dataVersion = :dataVersion)',
      values: { ':v': x.inputVersion },
    });
  }

  /** One UpdateItem: SET `set` and the change clauses, REMOVE `remove`, on a condition; returns the item as it was. */
  private update(
    key: { pk: string; sk: string },
    set: Record<string, unknown>,
    remove: readonly string[],
    change: { set: string[]; values: Record<string, unknown> },
    condition: { condition: string; values: Record<string, unknown> },
  ): UpdateCommand {
    const names = Object.fromEntries([...Object.keys(set), ...remove].map((k) => [`#${k}`, k]));
    const values = Object.fromEntries(Object.entries(set).map(([k, v]) => [`:${k}`, v]));
    const clauses = [...Object.keys(set).map((k) => `#${k} = :${k}`), ...change.set];
    return new UpdateCommand({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: `SET ${clauses.join(', ')}${remove.length ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : ''}`,
      ConditionExpression: condition.condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ...change.values, ...condition.values },
      ReturnValues: 'ALL_OLD',
    });
  }

  /**
   * The stored item if it already holds what this write carries (same upload version, or same rescore), else null.
   * Read with the change attributes, so the caller can derive the change the earlier delivery made.
   */
  private async alreadyStored(
    tenant: string,
    mode: WriteMode,
    x: ScoredWrite,
  ): Promise<Record<string, unknown> | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: supplierPk(tenant, x.input.supplierId), sk: SUPPLIER_SK },
        ProjectionExpression: `tenant, supplierId, deletedAt, inputVersion, batchId, #input, #asOf, modelVersion, dataVersion, ${CHANGE_ATTRIBUTES.join(', ')}`,
        ExpressionAttributeNames: { '#asOf': 'asOf', '#input': 'input' },
        ConsistentRead: true,
      }),
    );
    const stored = r.Item;
    if (!stored || stored.inputVersion !== x.inputVersion) return null;
    // A redelivery carries the very input stored. Two different inputs can share a version (two PUTs of one supplier
    // in the same millisecond): the one that landed first stays, the other is superseded, not taken for a redelivery.
    const same =
      mode === 'upsert'
        ? ((stored.batchId as string | undefined) ?? null) === x.batchId && stored.input === JSON.stringify(x.input)
        : stored.asOf === x.result.asOf &&
          stored.modelVersion === x.result.modelVersion &&
          stored.dataVersion === x.result.dataVersion;
    return same ? stored : null;
  }

  async getSupplier(tenant: string, supplierId: string): Promise<StoredSupplier | null> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK } }),
    );
    return isLive(r.Item) ? fromItem(r.Item) : null;
  }

  async deleteSupplier(
    tenant: string,
    supplierId: string,
    version: number,
    options: Pick<WriteOptions, 'changes' | 'contributions'> = {},
  ): Promise<DeleteOutcome> {
    const at = nowIso();
    const key = { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK };
    let old: Record<string, unknown> | undefined;
    try {
      // Written whatever is stored, even nothing: a PUT queued before this delete may not have landed yet, and its
      // older version must find the tombstone. Only a newer write stands.
      const r = await this.doc.send(
        this.update(
          key,
          { tenant, supplierId, inputVersion: version, deletedAt: at },
          TOMBSTONE_REMOVES,
          changeClauses(null, { kind: 'delete' }, at),
          { condition: 'attribute_not_exists(pk) OR inputVersion < :v', values: { ':v': version } },
        ),
      );
      old = r.Attributes;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The stored version is the same or newer: a live one was written after this delete; a tombstone of the same
      // or a later delete already does this one's work.
      const current = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ProjectionExpression: 'deletedAt',
          ConsistentRead: true,
        }),
      );
      return current.Item && current.Item.deletedAt === undefined ? 'newer' : 'absent';
    }
    // Deleting a tombstone again is how a client retries a delete that failed before its record was written: the
    // earlier delete's record is written now if it is missing.
    if (old && old.deletedAt !== undefined) await this.recordChange(changeOfItem(old), options.changes);
    await this.recordChange(
      changeOfWrite({ tenant, supplierId, old, after: null, cause: { kind: 'delete' }, at }),
      options.changes,
    );
    options.contributions?.push(contributionChange(supplierId, old, null));
    return old && old.deletedAt === undefined ? 'deleted' : 'absent';
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
          const pk = `T#${tenant}#${shard}`;
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

  async createBatch(batch: NewBatch): Promise<{ created: boolean; batch: BatchRecord }> {
    const now = nowIso();
    const item = {
      pk: batchPk(batch.tenant, batch.batchId),
      sk: BATCH_SK,
      tenant: batch.tenant,
      batchId: batch.batchId,
      status: 'ingesting',
      source: batch.source,
      asOf: batch.asOf,
      buyerCountry: batch.buyerCountry,
      inputVersion: batch.inputVersion,
      chunksDone: 0,
      suppliersStored: 0,
      suppliersSuperseded: 0,
      rowsStored: 0,
      rowsSuperseded: 0,
      chunksDeadLettered: 0,
      rowsDeadLettered: 0,
      rowsNotQueued: 0,
      suppliersNotQueued: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { created: true, batch: toBatch(item) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.getBatch(batch.tenant, batch.batchId);
      if (!existing) throw err;
      return { created: false, batch: existing };
    }
  }

  async getBatch(tenant: string, batchId: string): Promise<BatchRecord | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
        ConsistentRead: true,
      }),
    );
    return r.Item ? toBatch(r.Item) : null;
  }

  async claimBatchUpload(tenant: string, batchId: string, eTag: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
          UpdateExpression: 'SET uploadETag = :e',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(uploadETag) OR uploadETag = :e)',
          ExpressionAttributeValues: { ':e': eTag },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async putRejections(tenant: string, batchId: string, rejections: readonly Rejection[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + REJECTION_TTL_SECONDS;
    const requests: BatchWriteWriteRequest[] = rejections.map((r) => ({
      PutRequest: {
        Item: {
          pk: batchPk(tenant, batchId),
          sk: errorSk(r.row),
          row: r.row,
          field: r.field,
          value: r.value,
          message: r.message,
          [TABLE.ttlAttribute]: expiresAt,
        },
      },
    }));
    for (let i = 0; i < requests.length; i += 25) {
      await retryUnprocessed(
        { [this.tableName]: requests.slice(i, i + 25) },
        async (RequestItems) => (await this.doc.send(new BatchWriteCommand({ RequestItems }))).UnprocessedItems,
      );
    }
  }

  async listRejections(
    tenant: string,
    batchId: string,
    options: { limit?: number; after?: number } = {},
  ): Promise<{ items: Rejection[]; next: number | null }> {
    const limit = options.limit ?? 100;
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': batchPk(tenant, batchId),
          ':from': errorSk((options.after ?? 0) + 1),
          ':to': 'ERR#9999999999',
        },
        Limit: limit,
      }),
    );
    const items = (r.Items ?? []).map((i) => ({
      row: i.row as number,
      field: i.field as string,
      value: i.value as string,
      message: i.message as string,
    }));
    const last = items.at(-1);
    return { items, next: r.LastEvaluatedKey && last ? last.row : null };
  }

  async recordBatchQueued(tenant: string, batchId: string, totals: BatchTotals): Promise<BatchRecord> {
    let r: UpdateCommandOutput;
    try {
      r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
          UpdateExpression:
            'SET #rows = :rows, accepted = :accepted, rejected = :rejected, suppliers = :suppliers, chunks = :chunks, rowsNotQueued = :rowsNotQueued, suppliersNotQueued = :suppliersNotQueued, #status = :scoring, updatedAt = :now' +
            (totals.failure === null ? '' : ', failure = :failure'),
          // A second ingest of the same upload (S3 delivers events at least once) may finish after the batch has
          // completed: its totals are the same, and the completed batch is left as it is.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(completedAt)',
          ExpressionAttributeNames: { '#rows': 'rows', '#status': 'status' },
          ExpressionAttributeValues: {
            ':rows': totals.rows,
            ':accepted': totals.accepted,
            ':rejected': totals.rejected,
            ':suppliers': totals.suppliers,
            ':chunks': totals.chunks,
            ':rowsNotQueued': totals.rowsNotQueued,
            ':suppliersNotQueued': totals.suppliersNotQueued,
            ...(totals.failure === null ? {} : { ':failure': totals.failure.slice(0, 1000) }),
            ':scoring': 'scoring',
            ':now': nowIso(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.getBatch(tenant, batchId);
      if (!existing) throw err;
      return existing;
    }
    return this.completeIfDone(toBatch(r.Attributes ?? {}));
  }

  async recordChunkScored(
    tenant: string,
    batchId: string,
    chunk: number,
    result: PutScoredResult,
  ): Promise<BatchRecord> {
    const key = { pk: batchPk(tenant, batchId), sk: BATCH_SK };
    const names = { '#c': `c${chunk}`, '#d': `d${chunk}` };
    const values = {
      ':one': 1,
      ':true': true,
      ':stored': result.stored,
      ':superseded': result.superseded,
      ':rowsStored': result.rowsStored,
      ':rowsSuperseded': result.rowsSuperseded,
      ':now': nowIso(),
    };
    const counted =
      'SET #c = :true, updatedAt = :now ADD chunksDone :one, suppliersStored :stored, suppliersSuperseded :superseded, rowsStored :rowsStored, rowsSuperseded :rowsSuperseded';
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // The chunk's own flag makes the counters idempotent: a redelivered message adds nothing twice.
          UpdateExpression: counted,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#c) AND attribute_not_exists(#d)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.completeIfDone(toBatch(r.Attributes ?? {}));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // Already counted, or redriven from the DLQ: move its rows from dead-lettered to scored, once.
    const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const item = current.Item;
    if (!item) throw new Error(`batch ${batchId} of tenant ${tenant} does not exist`);
    if (item[`c${chunk}`] || !item[`d${chunk}`]) return toBatch(item);
    // What the dead-lettering counted (its rows, and what its deliveries had written) is taken back out: this
    // result counts the whole chunk.
    const dead = deadLetteredPart(item[`d${chunk}`]);
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${counted}, chunksDeadLettered :minusOne, rowsDeadLettered :minusRows REMOVE #d`,
          ConditionExpression: 'attribute_exists(#d) AND attribute_not_exists(#c)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...values,
            ':stored': result.stored - dead.stored,
            ':superseded': result.superseded - dead.superseded,
            ':rowsStored': result.rowsStored - dead.rowsStored,
            ':rowsSuperseded': result.rowsSuperseded - dead.rowsSuperseded,
            ':minusOne': -1,
            ':minusRows': -dead.rows,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.completeIfDone(toBatch(r.Attributes ?? {}));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const again = await this.getBatch(tenant, batchId);
      if (!again) throw err;
      return again;
    }
  }

  async recordChunkDeadLettered(
    tenant: string,
    batchId: string,
    chunk: number,
    dead: { rows: number; partial: PutScoredResult },
  ): Promise<BatchRecord> {
    const { partial } = dead;
    // d{n} keeps what was counted here, so a successful redrive can take it back out exactly.
    const part: DeadLetteredPart = { rows: dead.rows, ...partial };
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
          UpdateExpression:
            'SET #d = :part, updatedAt = :now ADD chunksDeadLettered :one, rowsDeadLettered :rows, suppliersStored :stored, suppliersSuperseded :superseded, rowsStored :rowsStored, rowsSuperseded :rowsSuperseded',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#c) AND attribute_not_exists(#d)',
          ExpressionAttributeNames: { '#c': `c${chunk}`, '#d': `d${chunk}` },
          ExpressionAttributeValues: {
            ':part': part,
            ':rows': dead.rows,
            ':stored': partial.stored,
            ':superseded': partial.superseded,
            ':rowsStored': partial.rowsStored,
            ':rowsSuperseded': partial.rowsSuperseded,
            ':one': 1,
            ':now': nowIso(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.completeIfDone(toBatch(r.Attributes ?? {}));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const again = await this.getBatch(tenant, batchId);
      if (!again) throw err;
      return again;
    }
  }

  async failStalledBatch(tenant: string, batchId: string, reason: string): Promise<BatchRecord | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
          UpdateExpression: 'SET #status = :failed, failure = :reason, updatedAt = :now',
          ConditionExpression: '#status = :ingesting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':ingesting': 'ingesting',
            ':reason': reason.slice(0, 1000),
            ':now': nowIso(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toBatch(r.Attributes ?? {});
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return this.getBatch(tenant, batchId);
    }
  }

  async markBatchFailed(tenant: string, batchId: string, reason: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(tenant, batchId), sk: BATCH_SK },
        UpdateExpression: 'SET #status = :failed, failure = :reason, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason.slice(0, 1000), ':now': nowIso() },
      }),
    );
  }

  /** Every chunk accounted for (scored or dead-lettered) once ingest has queued them all: close the batch, once. */
  private async completeIfDone(batch: BatchRecord): Promise<BatchRecord> {
    const lostRows = (b: BatchRecord) => b.chunksDeadLettered > 0 || b.rowsNotQueued > 0;
    if (batch.completedAt !== null && batch.status === 'completed_with_errors' && !lostRows(batch))
      return this.clearErrors(batch);
    if (batch.chunks === null || batch.completedAt !== null) return batch;
    if (batch.chunksDone + batch.chunksDeadLettered < batch.chunks) return batch;
    const status = lostRows(batch) ? 'completed_with_errors' : 'completed';
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(batch.tenant, batch.batchId), sk: BATCH_SK },
          UpdateExpression: 'SET #status = :status, completedAt = :now, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(completedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': nowIso() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toBatch(r.Attributes ?? {});
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return (await this.getBatch(batch.tenant, batch.batchId)) ?? batch;
    }
  }

  /** Its dead-lettered chunks were all redriven successfully: the completed batch has no errors left. */
  private async clearErrors(batch: BatchRecord): Promise<BatchRecord> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(batch.tenant, batch.batchId), sk: BATCH_SK },
          UpdateExpression: 'SET #status = :completed, updatedAt = :now',
          ConditionExpression:
            '#status = :withErrors AND chunksDeadLettered = :zero AND (attribute_not_exists(rowsNotQueued) OR rowsNotQueued = :zero)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':completed': 'completed',
            ':withErrors': 'completed_with_errors',
            ':zero': 0,
            ':now': nowIso(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toBatch(r.Attributes ?? {});
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return (await this.getBatch(batch.tenant, batch.batchId)) ?? batch;
    }
  }

  async dueForRescore(
    asOf: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }> {
    // The cursor walks the index shards in order: { shard, key }.
    const { dueForRescore } = TABLE.indexes;
    const state = decodeCursor(options.cursor) as { shard: number; key?: Record<string, unknown> } | undefined;
    let shard = state?.shard ?? 0;
    let startKey = state?.key;
    const limit = options.limit ?? 100;
    const found: StoredSupplier[] = [];
    while (shard < dueForRescore.shards && found.length < limit) {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: dueForRescore.name,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :upTo',
          ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':upTo': `${asOf}#\uffff` },
          ExclusiveStartKey: startKey,
          Limit: limit - found.length,
        }),
      );
      for (const k of r.Items ?? []) {
        const full = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: k.pk, sk: k.sk } }));
        if (isLive(full.Item)) found.push(fromItem(full.Item));
      }
      if (r.LastEvaluatedKey) startKey = r.LastEvaluatedKey;
      else {
        shard++;
        startKey = undefined;
      }
    }
    const done = shard >= dueForRescore.shards;
    return { items: found, cursor: done ? null : encodeCursor({ shard, key: startKey }) };
  }

  async scoredWithOtherVersions(
    modelVersion: string,
    dataVersion: string,
    options: { limit?: number; cursor?: string; segment?: number; totalSegments?: number } = {},
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }> {
    const r = await this.doc.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression:
          'sk = :sk AND attribute_not_exists(deletedAt) AND (modelVersion <> :mv OR NOT begins_with(dataVersion, :dv))',
        ExpressionAttributeValues: { ':sk': SUPPLIER_SK, ':mv': modelVersion, ':dv': dataVersion },
        ExclusiveStartKey: decodeCursor(options.cursor),
        Limit: options.limit ?? 500,
        ...(options.totalSegments ? { Segment: options.segment ?? 0, TotalSegments: options.totalSegments } : {}),
      }),
    );
    return { items: (r.Items ?? []).map(fromItem), cursor: encodeCursor(r.LastEvaluatedKey) };
  }
}
