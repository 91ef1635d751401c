/**
 * A reconciliation's read of the table (issue 12): one segment of a parallel scan, yielding the contribution of every
 * live supplier (the `contribution` attribute; for an item written before it existed, from its stored result or
 * recomputed from its input) and the tenants that have aggregate items (so a tenant left without suppliers gets its
 * aggregates cleared too).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Contribution } from '../model/portfolio-contribution.ts';
import type { ContributionScan } from '../portfolio/port.ts';
import type { ReferenceData } from '../reference/index.ts';
import { SUPPLIER_SK } from './keys.ts';
import { CONTRIBUTION_ATTRIBUTE, contributionOfItem } from './portfolio-aggregates-contribution.ts';
import { AGGREGATE_TENANT_ATTRIBUTE } from './portfolio-aggregates-snapshot.ts';
import { scanPage } from './scan-page.ts';
import { INPUT_ATTRIBUTE } from './supplier-items.ts';

/** Items examined per scan page. */
const SCAN_PAGE = 1000;

export class DynamoDbContributionScan implements ContributionScan {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** For a compact item without the attribute: the data its result is recomputed with. */
    private readonly ref?: ReferenceData,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async scan(segment: number, totalSegments: number, cursor: string | null) {
    const page = await scanPage(this.doc, this.tableName, {
      segment,
      totalSegments,
      cursor,
      limit: SCAN_PAGE,
      filter: '(sk = :sk AND attribute_not_exists(deletedAt)) OR attribute_exists(#agg)',
      projection: 'pk, sk, tenant, #c, #agg',
      names: { '#c': CONTRIBUTION_ATTRIBUTE, '#agg': AGGREGATE_TENANT_ATTRIBUTE },
      values: { ':sk': SUPPLIER_SK },
    });
    const contributions: { tenant: string; contribution: Contribution }[] = [];
    const aggregateTenants = new Set<string>();
    for (const item of page.items) {
      if (typeof item[AGGREGATE_TENANT_ATTRIBUTE] === 'string') {
        aggregateTenants.add(item[AGGREGATE_TENANT_ATTRIBUTE]);
        continue;
      }
      const contribution = contributionOfItem(item) ?? (await this.fromResult(item));
      if (contribution) contributions.push({ tenant: String(item.tenant), contribution });
    }
    return { contributions, aggregateTenants: [...aggregateTenants], cursor: page.cursor };
  }

  /** An item written without the attribute: its contribution from its full result, or recomputed (compact item). */
  private async fromResult(key: Record<string, unknown>): Promise<Contribution | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: key.pk, sk: key.sk },
        ProjectionExpression: 'supplierId, #r, #i, #s, deletedAt',
        ExpressionAttributeNames: { '#r': 'result', '#i': INPUT_ATTRIBUTE, '#s': 'summary' },
      }),
    );
    return contributionOfItem(r.Item, this.ref);
  }
}
