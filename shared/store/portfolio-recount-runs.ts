/**
 * Portfolio recount runs on DynamoDB (shared/portfolio/recount-run.ts), in the run's own platform-wide partition
 * (`RECOUNT#{runId}`): the run item with its done segments (a number set, so a segment counts once) and status, and
 * each segment's partial (segment-partials.ts: gzipped, in pieces under a head naming the attempt that stored it
 * first), all expiring with the run. Also the table's item count, which decides whether a recount fans out.
 */
import { ConditionalCheckFailedException, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeRecount, encodeRecount, type RecountPartial } from '../model/portfolio-recount.ts';
import type { RecountRun, RecountRunStore, RecountRunView } from '../portfolio/port.ts';
import { RECOUNT_PARTS_PREFIX, RECOUNT_RUN_SK, recountPartSk, recountRunPk } from './keys.ts';
import { putPartialOnce, readPartialTexts } from './segment-partials.ts';

const isConditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoDbRecountRuns implements RecountRunStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** The table's item count (DescribeTable: DynamoDB refreshes it about every six hours). */
  async tableItems(): Promise<number> {
    const r = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
    return r.Table?.ItemCount ?? 0;
  }

  async createRun(run: RecountRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: recountRunPk(run.runId),
          sk: RECOUNT_RUN_SK,
          runJson: JSON.stringify(run),
          status: 'running',
          expiresAt: run.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getRun(runId: string): Promise<RecountRunView | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recountRunPk(runId), sk: RECOUNT_RUN_SK },
        ConsistentRead: true,
      }),
    );
    const item = r.Item;
    if (!item) return null;
    return {
      run: JSON.parse(String(item.runJson)) as RecountRun,
      status: item.status as RecountRunView['status'],
      segmentsDone: [...((item.doneSegments as Set<number> | undefined) ?? [])].sort((a, b) => a - b),
      result: typeof item.resultJson === 'string' ? JSON.parse(item.resultJson) : null,
    };
  }

  async putPartial(run: RecountRun, segment: number, partial: RecountPartial): Promise<boolean> {
    return putPartialOnce(
      this.doc,
      this.tableName,
      { pk: recountRunPk(run.runId), headSk: recountPartSk(segment), expiresAt: run.expiresAt },
      encodeRecount(partial),
    );
  }

  async countSegment(run: RecountRun, segment: number): Promise<number | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: recountRunPk(run.runId), sk: RECOUNT_RUN_SK },
          UpdateExpression: 'ADD doneSegments :s',
          ConditionExpression:
            '#status = :running AND (attribute_not_exists(doneSegments) OR NOT contains(doneSegments, :seg))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': new Set([segment]), ':seg': segment, ':running': 'running' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (r.Attributes?.doneSegments as Set<number> | undefined)?.size ?? 0;
    } catch (err) {
      if (isConditionFailed(err)) return null;
      throw err;
    }
  }

  async readPartials(run: RecountRun): Promise<RecountPartial[]> {
    const texts = await readPartialTexts(this.doc, this.tableName, recountRunPk(run.runId), RECOUNT_PARTS_PREFIX);
    return texts.map(decodeRecount);
  }

  async completeRun(run: RecountRun, result: { tenants: number; suppliers: number }, at: string): Promise<void> {
    await this.finish(run, 'SET #status = :done, resultJson = :r, completedAt = :at', {
      ':done': 'completed',
      ':r': JSON.stringify(result),
      ':at': at,
    });
  }

  async failRun(run: RecountRun, reason: string, at: string): Promise<void> {
    await this.finish(run, 'SET #status = :failed, failure = :why, completedAt = :at', {
      ':failed': 'failed',
      ':why': reason,
      ':at': at,
    });
  }

  /** Ends a running run (one ended already stays as it ended). */
  private async finish(run: RecountRun, update: string, values: Record<string, unknown>): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: recountRunPk(run.runId), sk: RECOUNT_RUN_SK },
          UpdateExpression: update,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':running': 'running' },
        }),
      )
      .catch((err: unknown) => {
        if (!isConditionFailed(err)) throw err;
      });
  }
}
