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
  type CounterDelta,
  chunkDeadLettered,
  chunkScored,
  completion,
  failureText,
  newBatchRecord,
} from '../pipeline/batch-lifecycle.ts';
import { addClause, batchKey, chunkMark, deadAttr, NOT_YET, scoredAttr, toBatch } from './batch-items.ts';
import type { BatchRecord, BatchStore, BatchTotals, NewBatch } from './batch-port.ts';
import type { PutScoredResult } from './supplier-port.ts';

const nowIso = () => new Date().toISOString();

export class DynamoDbBatches implements BatchStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
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
    return r.Item ? toBatch(r.Item) : null;
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
    return this.completeIfDone(r);
  }

  async recordChunkScored(
    tenant: string,
    batchId: string,
    chunk: number,
    result: PutScoredResult,
  ): Promise<BatchRecord> {
    const key = batchKey(tenant, batchId);
    const names = { '#c': scoredAttr(chunk), '#d': deadAttr(chunk) };
    const counted = (delta: CounterDelta) => {
      const add = addClause(delta);
      return {
        clause: `SET #c = :true, updatedAt = :now ${add.clause}`,
        values: { ...add.values, ':true': true, ':now': nowIso() },
      };
    };
    const fresh = counted(chunkScored({ kind: 'pending' }, result) ?? {});
    const first = await this.updateIf(tenant, batchId, {
      // The chunk's own mark makes the counters idempotent: a redelivered message adds nothing twice.
      UpdateExpression: fresh.clause,
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#c) AND attribute_not_exists(#d)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: fresh.values,
    });
    if (!(first instanceof ConditionalCheckFailedException)) return this.completeIfDone(first);
    // Already counted, or redriven from the DLQ: move its rows from dead-lettered to scored, once.
    const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const item = current.Item;
    if (!item) throw new Error(`batch ${batchId} of tenant ${tenant} does not exist`);
    const mark = chunkMark(item, chunk);
    const delta = mark.kind === 'dead-lettered' ? chunkScored(mark, result) : null;
    if (!delta) return toBatch(item);
    const redriven = counted(delta);
    const r = await this.updateIf(tenant, batchId, {
      UpdateExpression: `${redriven.clause} REMOVE #d`,
      ConditionExpression: 'attribute_exists(#d) AND attribute_not_exists(#c)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: redriven.values,
    });
    if (r instanceof ConditionalCheckFailedException) return this.storedAfter(tenant, batchId, r);
    return this.completeIfDone(r);
  }

  async recordChunkDeadLettered(
    tenant: string,
    batchId: string,
    chunk: number,
    dead: { rows: number; partial: PutScoredResult },
  ): Promise<BatchRecord> {
    // Decided for a pending chunk; the condition makes it apply only to one. d{n} keeps what was counted here, so a
    // successful redrive can take it back out exactly.
    const decided = chunkDeadLettered({ kind: 'pending' }, dead);
    if (!decided) throw new Error('a pending chunk can always be dead-lettered');
    const add = addClause(decided.delta);
    const r = await this.updateIf(tenant, batchId, {
      UpdateExpression: `SET #d = :part, updatedAt = :now ${add.clause}`,
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#c) AND attribute_not_exists(#d)',
      ExpressionAttributeNames: { '#c': scoredAttr(chunk), '#d': deadAttr(chunk) },
      ExpressionAttributeValues: { ...add.values, ':part': decided.part, ':now': nowIso() },
    });
    if (r instanceof ConditionalCheckFailedException) return this.storedAfter(tenant, batchId, r);
    return this.completeIfDone(r);
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
    return r instanceof ConditionalCheckFailedException ? this.getBatch(tenant, batchId) : r;
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
      : r;
  }

  /** One conditional update of the batch item: the record as it is after, or the error of its failed condition. */
  private async updateIf(
    tenant: string,
    batchId: string,
    update: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
  ): Promise<BatchRecord | ConditionalCheckFailedException> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKey(tenant, batchId),
          ReturnValues: 'ALL_NEW',
          ...update,
        }),
      );
      return toBatch(r.Attributes ?? {});
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
