/**
 * The rescore index on DynamoDB: suppliers scored with other versions (a filtered scan). Suppliers due by date have no
 * index (table.ts): the rescore runs find them in their scan (supplier-scan.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SUPPLIER_SK } from './keys.ts';
import { decodeScanCursor, encodeScanCursor } from './list-cursor.ts';
import type { RescoreIndex } from './rescore-index-port.ts';
import { fromItem } from './supplier-items.ts';
import type { StoredSupplier } from './supplier-port.ts';

export class DynamoDbRescoreIndex implements RescoreIndex {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
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
