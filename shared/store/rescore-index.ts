/**
 * The rescore index on DynamoDB: suppliers due by date (the sparse, sharded `dueForRescore` index, then each item) and
 * suppliers scored with other versions (a filtered scan).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dueForRescoreShardPk, dueForRescoreSkUpTo, SUPPLIER_SK } from './keys.ts';
import { decodeScanCursor, encodeScanCursor } from './list-cursor.ts';
import type { RescoreIndex } from './rescore-index-port.ts';
import { fromItem, isLive } from './supplier-items.ts';
import type { StoredSupplier } from './supplier-port.ts';
import { TABLE } from './table.ts';

export class DynamoDbRescoreIndex implements RescoreIndex {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async dueForRescore(
    asOf: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }> {
    // The cursor walks the index shards in order: { shard, key }.
    const { dueForRescore } = TABLE.indexes;
    const state = decodeScanCursor(options.cursor) as { shard: number; key?: Record<string, unknown> } | undefined;
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
          ExpressionAttributeValues: { ':pk': dueForRescoreShardPk(shard), ':upTo': dueForRescoreSkUpTo(asOf) },
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
    return { items: found, cursor: done ? null : encodeScanCursor({ shard, key: startKey }) };
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
        ExclusiveStartKey: decodeScanCursor(options.cursor),
        Limit: options.limit ?? 500,
        ...(options.totalSegments ? { Segment: options.segment ?? 0, TotalSegments: options.totalSegments } : {}),
      }),
    );
    return { items: (r.Items ?? []).map(fromItem), cursor: encodeScanCursor(r.LastEvaluatedKey) };
  }
}
