import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SupplierInput } from '../model/types.ts';
import { SUPPLIER_SK } from './keys.ts';
import { decodeScanCursor, encodeScanCursor } from './list-cursor.ts';
import type { TenantSupplierScan } from './scenario-jobs-port.ts';
import { INPUT_PROJECTION, inputOfItem } from './supplier-items.ts';

/**
 * The scenario workers' read: one segment of a parallel scan of the table, keeping one tenant's live suppliers and
 * reading only their inputs (the scenario scores them again on both timelines).
 */
export class DynamoDbTenantSupplierScan implements TenantSupplierScan {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async scanTenant(
    tenant: string,
    segment: number,
    totalSegments: number,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: SupplierInput[]; cursor: string | null }> {
    const r = await this.doc.send(
      new ScanCommand({
        TableName: this.tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        Limit: limit,
        ExclusiveStartKey: decodeScanCursor(cursor),
        FilterExpression: 'sk = :sk AND tenant = :tenant AND attribute_not_exists(deletedAt)',
        ProjectionExpression: INPUT_PROJECTION.expression,
        ExpressionAttributeNames: INPUT_PROJECTION.names,
        ExpressionAttributeValues: { ':sk': SUPPLIER_SK, ':tenant': tenant },
      }),
    );
    const items = (r.Items ?? []).map(inputOfItem);
    return { items, cursor: encodeScanCursor(r.LastEvaluatedKey) };
  }
}
