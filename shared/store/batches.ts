/**
 * Batch records on DynamoDB (the item: batch-items.ts). The life cycle's decisions are pipeline/batch-lifecycle.ts;
 * here each becomes a conditional single-item update, so concurrent chunks and redeliveries count once and the batch
 * closes once.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  chunkDeadLettered,
  chunkScored,
  completion,
  failureText,
  newBatchRecord,
} from '../pipeline/batch-lifecycle.ts';
import {
  addClause,
  batchKey,
  CHUNK_MARKS_FOLD_AT,
  chunkMark,
  deadAttr,
  decodeRanges,
  encodeRanges,
  FOLD_VERSION_ATTR,
  FOLDED_ATTR,
  NOT_YET,
  rangeChunks,
  scoredAttr,
  scoredMarks,
  toBatch,
} from './batch-items.ts';
import type { BatchRecord, BatchStore, BatchTotals, NewBatch } from './batch-port.ts';
import type { PutScoredResult } from './supplier-port.ts';

const nowIso = () => new Date().toISOString();

/** A count's condition: no fold since the item was read (a fold removes the marks a condition would look at). */
const SAME_FOLD = '(attribute_not_exists(#fv) OR #fv = :fold)';
const FOLD_NAMES = { '#fv': FOLD_VERSION_ATTR };
const foldVersionOf = (item: Record<string, unknown>) =>
  typeof item[FOLD_VERSION_ATTR] === 'number' ? (item[FOLD_VERSION_ATTR] as number) : 0;
const foldValues = (item: Record<string, unknown>) => ({ ':fold': foldVersionOf(item) });

export class DynamoDbBatches implements BatchStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Scored marks kept one by one before a fold (a test folds after 2, to fold often). */
    private readonly foldAt: number = CHUNK_MARKS_FOLD_AT,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createBatch(batch: NewBatch): Promise<{ created: boolean; batch: BatchRecord }> {
    const record = newBatchRecord(batch, nowIso());
    const item = {
      ...batchKey(batch.tenant, batch.batchId),
      ...Object.fromEntries(Object.entries(record).filter(([k]) => !NOT_YET.has(k))),
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
        Key: batchKey(tenant, batchId),
        ConsistentRead: true,
      }),
    );
    if (!r.Item) return null;
    const batch = toBatch(r.Item);
    // Counting a batch's last chunk and closing it are two writes: an invocation cut off between them (its timeout
    // reached while it recorded a dead-lettered chunk) leaves every chunk accounted for and the batch open. The next
    // read closes it, with the same conditional write, so no batch stays open for good.
    return completion(batch).kind === 'none' ? batch : this.completeIfDone(batch);
  }

  async claimBatchUpload(tenant: string, batchId: string, eTag: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKey(tenant, batchId),
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

  async recordBatchQueued(tenant: string, batchId: string, totals: BatchTotals): Promise<BatchRecord> {
    const r = await this.updateIf(tenant, batchId, {
      UpdateExpression:
        'SET #rows = :rows, accepted = :accepted, rejected = :rejected, suppliers = :suppliers, chunks = :chunks, rowsNotQueued = :rowsNotQueued, suppliersNotQueued = :suppliersNotQueued, #status = :scoring, updatedAt = :now' +
        (totals.failure === null ? '' : ', failure = :failure'),
      // acceptsQueued: a second ingest of the same upload (S3 delivers events at least once) may finish after the
      // batch has completed: its totals are the same, and the completed batch is left as it is.
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
        ...(totals.failure === null ? {} : { ':failure': failureText(totals.failure) }),
        ':scoring': 'scoring',
        ':now': nowIso(),
      },
    });
    if (r instanceof ConditionalCheckFailedException) return this.storedAfter(tenant, batchId, r);
    return this.completeIfDone(r.batch);
  }

  async recordChunkScored(
    tenant: string,
    batchId: string,
    chunk: number,
    result: PutScoredResult,
  ): Promise<BatchRecord> {
    const names = { '#c': scoredAttr(chunk), '#d': deadAttr(chunk) };
    // Read first: a chunk counted and folded has no mark of its own left for a condition to see.
    for (;;) {
      const item = await this.readItem(tenant, batchId);
      const mark = chunkMark(item, chunk);
      // Already counted (a redelivery): nothing twice. Dead-lettered and redriven: its rows move to scored, once.
      const delta = chunkScored(mark, result);
      if (!delta) return toBatch(item);
      const add = addClause(delta);
      const redrive = mark.kind === 'dead-lettered';
      const r = await this.updateIf(tenant, batchId, {
        UpdateExpression: `SET #c = :true, updatedAt = :now ${add.clause}${redrive ? ' REMOVE #d' : ''}`,
        // A dead-lettered chunk's mark is never folded: its own condition is enough.
        ConditionExpression: redrive
          ? 'attribute_exists(#d) AND attribute_not_exists(#c)'
          : `attribute_not_exists(#c) AND attribute_not_exists(#d) AND ${SAME_FOLD}`,
        ExpressionAttributeNames: { ...names, ...(redrive ? {} : FOLD_NAMES) },
        ExpressionAttributeValues: {
          ...add.values,
          ':true': true,
          ':now': nowIso(),
          ...(redrive ? {} : foldValues(item)),
        },
      });
      // Another delivery or a fold got there first: look again.
      if (r instanceof ConditionalCheckFailedException) continue;
      await this.foldMarks(tenant, batchId, r.item);
      return this.completeIfDone(r.batch);
    }
  }

  async recordChunkDeadLettered(
    tenant: string,
    batchId: string,
    chunk: number,
    dead: { rows: number; partial: PutScoredResult },
  ): Promise<BatchRecord> {
    const names = { '#c': scoredAttr(chunk), '#d': deadAttr(chunk) };
    // First without reading, as long as nothing is folded (a batch of fewer than CHUNK_MARKS_FOLD_AT chunks): this runs
    // on the last receive within the deadline's margin, and dead-lettering is rare enough that a failed try costs little.
    const pending = chunkDeadLettered({ kind: 'pending' }, dead);
    if (pending) {
      const add = addClause(pending.delta);
      const r = await this.updateIf(tenant, batchId, {
        UpdateExpression: `SET #d = :part, updatedAt = :now ${add.clause}`,
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(#c) AND attribute_not_exists(#d) AND attribute_not_exists(#folded)',
        ExpressionAttributeNames: { ...names, '#folded': FOLDED_ATTR },
        ExpressionAttributeValues: { ...add.values, ':part': pending.part, ':now': nowIso() },
      });
      if (!(r instanceof ConditionalCheckFailedException)) return this.completeIfDone(r.batch);
    }
    for (;;) {
      const item = await this.readItem(tenant, batchId);
      // Decided for a pending chunk only. d{n} keeps what was counted here, so a successful redrive can take it back
      // out exactly.
      const decided = chunkDeadLettered(chunkMark(item, chunk), dead);
      if (!decided) return toBatch(item);
      const add = addClause(decided.delta);
      const r = await this.updateIf(tenant, batchId, {
        UpdateExpression: `SET #d = :part, updatedAt = :now ${add.clause}`,
        ConditionExpression: `attribute_not_exists(#c) AND attribute_not_exists(#d) AND ${SAME_FOLD}`,
        ExpressionAttributeNames: { ...names, ...FOLD_NAMES },
        ExpressionAttributeValues: { ...add.values, ':part': decided.part, ':now': nowIso(), ...foldValues(item) },
      });
      if (r instanceof ConditionalCheckFailedException) continue;
      return this.completeIfDone(r.batch);
    }
  }

  /** The batch item, read consistently (it must exist: ingest creates it before queueing any chunk). */
  private async readItem(tenant: string, batchId: string): Promise<Record<string, unknown>> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: batchKey(tenant, batchId), ConsistentRead: true }),
    );
    if (!r.Item) throw new Error(`batch ${batchId} of tenant ${tenant} does not exist`);
    return r.Item;
  }

  /**
   * Folds the item's scored marks into `chunksFolded` once there are CHUNK_MARKS_FOLD_AT of them, so the item (and
   * every count's update, billed by its size) stays small. Conditional on the fold version the marks were read at: a
   * second fold of the same marks does nothing; marks set meanwhile stay for the next fold.
   */
  private async foldMarks(tenant: string, batchId: string, item: Record<string, unknown>): Promise<void> {
    const marks = scoredMarks(item);
    if (marks.length < this.foldAt) return;
    const names = Object.fromEntries(marks.map((n, i) => [`#m${i}`, scoredAttr(n)]));
    await this.updateIf(tenant, batchId, {
      UpdateExpression: `SET #folded = :folded, #fv = :nextFold REMOVE ${Object.keys(names).join(', ')}`,
      ConditionExpression: SAME_FOLD,
      ExpressionAttributeNames: { ...names, ...FOLD_NAMES, '#folded': FOLDED_ATTR },
      ExpressionAttributeValues: {
        ...foldValues(item),
        ':folded': encodeRanges([...rangeChunks(decodeRanges(item[FOLDED_ATTR])), ...marks]),
        ':nextFold': foldVersionOf(item) + 1,
      },
    });
  }

  async failStalledBatch(tenant: string, batchId: string, reason: string): Promise<BatchRecord | null> {
    const r = await this.updateIf(tenant, batchId, {
      UpdateExpression: 'SET #status = :failed, failure = :reason, updatedAt = :now',
      // failsWhenStalled
      ConditionExpression: '#status = :ingesting',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':ingesting': 'ingesting',
        ':reason': failureText(reason),
        ':now': nowIso(),
      },
    });
    return r instanceof ConditionalCheckFailedException ? this.getBatch(tenant, batchId) : r.batch;
  }

  async markBatchFailed(tenant: string, batchId: string, reason: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: batchKey(tenant, batchId),
        UpdateExpression: 'SET #status = :failed, failure = :reason, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':reason': failureText(reason), ':now': nowIso() },
      }),
    );
  }

  /** Applies the life cycle's completion rule to the record a counter update returned: close it, or clear its errors. */
  private async completeIfDone(batch: BatchRecord): Promise<BatchRecord> {
    const next = completion(batch);
    if (next.kind === 'none') return batch;
    const update =
      next.kind === 'complete'
        ? {
            UpdateExpression: 'SET #status = :status, completedAt = :now, updatedAt = :now',
            // Closed once, by whichever chunk got there first.
            ConditionExpression: 'attribute_not_exists(completedAt)',
            ExpressionAttributeValues: { ':status': next.status, ':now': nowIso() },
          }
        : {
            UpdateExpression: 'SET #status = :completed, updatedAt = :now',
            // Still nothing lost when it applies (lostRows).
            ConditionExpression:
              '#status = :withErrors AND chunksDeadLettered = :zero AND (attribute_not_exists(rowsNotQueued) OR rowsNotQueued = :zero)',
            ExpressionAttributeValues: {
              ':completed': 'completed',
              ':withErrors': 'completed_with_errors',
              ':zero': 0,
              ':now': nowIso(),
            },
          };
    const r = await this.updateIf(batch.tenant, batch.batchId, {
      ExpressionAttributeNames: { '#status': 'status' },
      ...update,
    });
    return r instanceof ConditionalCheckFailedException
      ? ((await this.getBatch(batch.tenant, batch.batchId)) ?? batch)
      : r.batch;
  }

  /**
   * One conditional update of the batch item: the item and its record as they are after, or the error of its failed
   * condition.
   */
  private async updateIf(
    tenant: string,
    batchId: string,
    update: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
  ): Promise<{ item: Record<string, unknown>; batch: BatchRecord } | ConditionalCheckFailedException> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKey(tenant, batchId),
          ReturnValues: 'ALL_NEW',
          ...update,
        }),
      );
      const item = r.Attributes ?? {};
      return { item, batch: toBatch(item) };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return err;
      throw err;
    }
  }

  /** The record as stored after `conflict` (another delivery got there first); without one, the conflict stands. */
  private async storedAfter(tenant: string, batchId: string, conflict: ConditionalCheckFailedException) {
    const existing = await this.getBatch(tenant, batchId);
    if (!existing) throw conflict;
    return existing;
  }
}
