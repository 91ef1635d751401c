/**
 * Portfolio recount runs on DynamoDB (shared/portfolio/recount-run.ts), in the run's own platform-wide partition
 * (`RECOUNT#{runId}`): the run item with its done segments (a number set, so a segment counts once) and status, and
 * each segment's partial (gzipped, in pieces under a head naming the attempt that stored it first), all expiring with
 * the run. Also the table's item count, which decides whether a recount fans out.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeRecount, encodeRecount, type RecountPartial } from '../model/portfolio-recount.ts';
import type { RecountRun, RecountRunStore, RecountRunView } from '../portfolio/port.ts';
import { RECOUNT_PARTS_PREFIX, RECOUNT_RUN_SK, recountPartSk, recountRunPk } from './keys.ts';
import { gunzipChunks, gzipChunks } from './scenario-jobs.ts';

const pieceSk = (head: string, attempt: string, chunk: number) =>
  `${head}#${attempt}#${String(chunk).padStart(4, '0')}`;
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
    const pk = recountRunPk(run.runId);
    const head = recountPartSk(segment);
    // The pieces under this attempt's own keys first: a concurrent attempt writes beside them, never over them.
    const attempt = randomUUID();
    const pieces = gzipChunks(encodeRecount(partial));
    for (const [i, data] of pieces.entries())
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: pieceSk(head, attempt, i), data, expiresAt: run.expiresAt },
        }),
      );
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: head, attempt, chunks: pieces.length, expiresAt: run.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
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
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': recountRunPk(run.runId), ':prefix': RECOUNT_PARTS_PREFIX },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const data = new Map(items.filter((i) => i.data !== undefined).map((i) => [String(i.sk), i.data as Uint8Array]));
    return items
      .filter((i) => typeof i.attempt === 'string')
      .map((h) => {
        const pieces = Array.from({ length: Number(h.chunks) }, (_, i) => {
          const piece = data.get(pieceSk(String(h.sk), String(h.attempt), i));
          if (!piece) throw new Error(`recount run ${run.runId}: ${String(h.sk)} piece ${i} is missing`);
          return piece;
        });
        return decodeRecount(gunzipChunks(pieces));
      });
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
