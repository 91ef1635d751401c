import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SUPPLIER_SK, supplierPk } from './keys.ts';
import { decodeScanCursor, encodeScanCursor } from './list-cursor.ts';
import type { SupplierScan } from './rescore-port.ts';
import { fromItem, SUPPLIER_PROJECTION } from './supplier-items.ts';
import type { StoredSupplier } from './supplier-port.ts';

/** The rescore workers' view of the supplier items: a parallel scan, and the next-change-date-only update. */
export class DynamoDbSupplierScan implements SupplierScan {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async scanSuppliers(
    segment: number,
    totalSegments: number,
    cursor: string | null,
    limit: number,
  ): Promise<{ items: StoredSupplier[]; cursor: string | null }> {
    const r = await this.doc.send(
      new ScanCommand({
        TableName: this.tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        Limit: limit,
        ExclusiveStartKey: decodeScanCursor(cursor),
        FilterExpression: 'sk = :sk AND attribute_not_exists(deletedAt)',
        ProjectionExpression: SUPPLIER_PROJECTION.expression,
        ExpressionAttributeNames: SUPPLIER_PROJECTION.names,
        ExpressionAttributeValues: { ':sk': SUPPLIER_SK },
      }),
    );
    const items = (r.Items ?? []).map(fromItem);
    return { items, cursor: encodeScanCursor(r.LastEvaluatedKey) };
  }

  async updateNextChange(
    tenant: string,
    supplierId: string,
    inputVersion: number,
    nextChangeDate: string | null,
  ): Promise<boolean> {
    // gsi2pk/gsi2sk: an older item's keys of the index there no longer is.
    const set = nextChangeDate
      ? { UpdateExpression: 'SET nextChangeDate = :d REMOVE gsi2pk, gsi2sk', values: { ':d': nextChangeDate } }
      : { UpdateExpression: 'REMOVE nextChangeDate, gsi2pk, gsi2sk', values: {} };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: supplierPk(tenant, supplierId), sk: SUPPLIER_SK },
          UpdateExpression: set.UpdateExpression,
          ConditionExpression: 'inputVersion = :v AND attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ...set.values, ':v': inputVersion },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
