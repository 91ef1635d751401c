import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SUPPLIER_SK, supplierPk } from './keys.ts';
import type { SupplierScan } from './rescore-port.ts';
import { scanPage } from './scan-page.ts';
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
    const page = await scanPage(this.doc, this.tableName, {
      segment,
      totalSegments,
      cursor,
      limit,
      filter: 'sk = :sk AND attribute_not_exists(deletedAt)',
      projection: SUPPLIER_PROJECTION.expression,
      names: SUPPLIER_PROJECTION.names,
      values: { ':sk': SUPPLIER_SK },
    });
    return { items: page.items.map(fromItem), cursor: page.cursor };
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
