import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { PolicyRevisionStore } from '../policy/port.ts';
import type { PolicyRevision } from '../policy/types.ts';
import { POLICY_PK, POLICY_REVISION_SK_PREFIX, policyRevisionSk } from './keys.ts';

/**
 * Policy revisions on DynamoDB: one item per revision under one partition, sort key the zero-padded number, so a
 * query reads them in order and the conditional put of the next number is the only lock two operators need.
 */
export class DynamoDbPolicyRevisions implements PolicyRevisionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async listRevisions(): Promise<PolicyRevision[]> {
    const out: PolicyRevision[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rev)',
          ExpressionAttributeValues: { ':pk': POLICY_PK, ':rev': POLICY_REVISION_SK_PREFIX },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) out.push(JSON.parse(item.revisionJson as string) as PolicyRevision);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async latestRevision(): Promise<number> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rev)',
        ExpressionAttributeValues: { ':pk': POLICY_PK, ':rev': POLICY_REVISION_SK_PREFIX },
        ProjectionExpression: 'revision',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (page.Items?.[0]?.revision as number | undefined) ?? 0;
  }

  async appendRevision(revision: PolicyRevision): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: POLICY_PK,
            sk: policyRevisionSk(revision.revision),
            revision: revision.revision,
            kind: revision.kind,
            id: revision.id,
            revisionJson: JSON.stringify(revision),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
