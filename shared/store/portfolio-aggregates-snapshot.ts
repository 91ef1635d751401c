/**
 * The snapshot of a tenant's portfolio aggregates on DynamoDB (shared/model/portfolio-fold.ts): one head item (pk
 * T#{tenant}#AGGS, sk SNAP) with the version, the per-shard watermarks, the freshness and the aggregate gzipped; a
 * snapshot too large for one item (above SNAPSHOT_INLINE_BYTES gzipped) is written as pieces under a random write id
 * first (SNAP#{writeId}#{chunk}), then the head naming them. The head's write is conditional on the version read, so a
 * losing writer changes nothing and deletes its own pieces; a winner deletes the pieces of the head it replaced
 * (named by that head, returned by the put), never another writer's (a reader that finds pieces gone reads the head
 * again).
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { MineralRiskError } from '../errors.ts';
import { decodeAggregate, encodeAggregate } from '../model/portfolio-aggregate-codec.ts';
import { emptySnapshot, type Snapshot } from '../model/portfolio-fold.ts';
import { AGGREGATE_SNAPSHOT_SK, aggregateChunkPrefix, aggregateChunkSk, aggregateSnapshotPk } from './keys.ts';
import { retryUnprocessed } from './retry.ts';

/** Gzipped bytes kept in the head item; beyond, pieces of this size (an item holds at most 400 KB). */
export const SNAPSHOT_INLINE_BYTES = 350_000;
/** Attempts of a read that finds a version's pieces deleted under it (a newer version was written meanwhile). */
const READ_ATTEMPTS = 3;
/** Items of aggregates carry this attribute: what a reconciliation's scan recognises them by. */
export const AGGREGATE_TENANT_ATTRIBUTE = 'aggTenant';

export class SnapshotChunksMissingError extends MineralRiskError {
  readonly retryable = true;
}

/**
 * A snapshot that needs pieces, written by a role that may not batch-write (the API's: its fold on the read path
 * leaves a large snapshot to the recount, which may).
 */
export class SnapshotTooLargeError extends MineralRiskError {
  readonly retryable = false;
}

const bytesOf = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array());

export class DynamoDbAggregateSnapshots {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Whether this role may write a snapshot in pieces (BatchWriteItem on the snapshot partitions). */
    private readonly mayWritePieces: boolean,
  ) {}

  async read(tenant: string): Promise<Snapshot> {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const r = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: aggregateSnapshotPk(tenant), sk: AGGREGATE_SNAPSHOT_SK },
          ConsistentRead: true,
        }),
      );
      const head = r.Item;
      if (!head) return emptySnapshot();
      const version = Number(head.v);
      const chunks = Number(head.chunks ?? 0);
      const zipped = chunks === 0 ? bytesOf(head.d) : await this.readChunks(tenant, String(head.cid), chunks);
      if (!zipped) continue;
      return {
        version,
        watermarks: JSON.parse(String(head.wm)) as Record<number, string>,
        aggregate: decodeAggregate(gunzipSync(zipped).toString('utf8')),
        updatedAt: typeof head.at === 'string' ? head.at : null,
        reconciledAt: typeof head.rec === 'string' ? head.rec : null,
      };
    }
    throw new SnapshotChunksMissingError(`the snapshot of ${tenant} kept changing while it was read`);
  }

  /** A version's pieces joined; null when some are gone (superseded meanwhile). */
  private async readChunks(tenant: string, writeId: string, chunks: number): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': aggregateSnapshotPk(tenant), ':p': aggregateChunkPrefix(writeId) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) parts.push(bytesOf(item.d));
      start = r.LastEvaluatedKey;
    } while (start);
    return parts.length === chunks ? Buffer.concat(parts) : null;
  }

  async write(tenant: string, next: Snapshot, expectedVersion: number): Promise<boolean> {
    const pk = aggregateSnapshotPk(tenant);
    const zipped = gzipSync(encodeAggregate(next.aggregate));
    const writeId = randomBytes(6).toString('hex');
    const pieces: Buffer[] = [];
    if (zipped.length > SNAPSHOT_INLINE_BYTES)
      for (let i = 0; i < zipped.length; i += SNAPSHOT_INLINE_BYTES)
        pieces.push(zipped.subarray(i, i + SNAPSHOT_INLINE_BYTES));
    if (pieces.length > 0 && !this.mayWritePieces)
      throw new SnapshotTooLargeError(`the snapshot of ${tenant} needs ${pieces.length} pieces`);
    const pieceKeys = pieces.map((_, i) => aggregateChunkSk(writeId, i));
    await this.batch(pieces.map((d, i) => ({ PutRequest: { Item: { pk, sk: pieceKeys[i], d } } })));
    let replaced: Record<string, unknown> | undefined;
    try {
      const r = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: AGGREGATE_SNAPSHOT_SK,
            [AGGREGATE_TENANT_ATTRIBUTE]: tenant,
            v: next.version,
            wm: JSON.stringify(next.watermarks),
            ...(pieces.length > 0 ? { chunks: pieces.length, cid: writeId } : { d: zipped }),
            ...(next.updatedAt ? { at: next.updatedAt } : {}),
            ...(next.reconciledAt ? { rec: next.reconciledAt } : {}),
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'v = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      replaced = r.Attributes;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      await this.deletePieces(pk, pieceKeys);
      return false;
    }
    const old = Number(replaced?.chunks ?? 0);
    if (old > 0)
      await this.deletePieces(
        pk,
        Array.from({ length: old }, (_, i) => aggregateChunkSk(String(replaced?.cid), i)),
      );
    return true;
  }

  private async deletePieces(pk: string, sks: readonly string[]): Promise<void> {
    await this.batch(sks.map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })));
  }

  private async batch(requests: Record<string, unknown>[]): Promise<void> {
    // 25 requests a call, and at most 16 MB: pieces of 350 KB go a dozen at a time.
    for (let i = 0; i < requests.length; i += 12)
      await retryUnprocessed({ [this.tableName]: requests.slice(i, i + 12) }, async (RequestItems) => {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems } as never));
        return r.UnprocessedItems as typeof RequestItems | undefined;
      });
  }
}
