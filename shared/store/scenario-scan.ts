import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SupplierInput } from '../model/types.ts';
import { SUPPLIER_SK } from './keys.ts';
import { scanPage } from './scan-page.ts';
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
    const page = await scanPage(this.doc, this.tableName, {
      segment,
      totalSegments,
      cursor,
      limit,
      filter: 'sk = :sk AND tenant = :tenant AND attribute_not_exists(deletedAt)',
      projection: INPUT_PROJECTION.expression,
      names: INPUT_PROJECTION.names,
      values: { ':sk': SUPPLIER_SK, ':tenant': tenant },
    });
    return { items: page.items.map(inputOfItem), cursor: page.cursor };
  }
}
