import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PLANNED_SK, POLICY_PK, RUN_INDEX_PK, RUN_SK, runIndexSk, runPk, runSegmentSk } from './keys.ts';
import {
  emptyRunCounts,
  type RescoreRun,
  type RescoreRunStore,
  type RunCounts,
  type RunView,
  type SegmentProgress,
  type TenantMoves,
} from './rescore-port.ts';

/**
 * Rescore runs on DynamoDB: the run item (what to do, which segments are done as a number set, so marking one done
 * twice changes nothing) and one progress item per segment, replaced whole per page under an optimistic lock.
 */
export class DynamoDbRescoreRuns implements RescoreRunStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createRun(run: RescoreRun): Promise<boolean> {
    let created = true;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: runPk(run.runId),
            sk: RUN_SK,
            kind: 'rescore-run',
            createdAt: run.createdAt,
            runJson: JSON.stringify(run),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      created = false;
    }
    // The run's list entry and segments, each put unless it exists: a start that stopped half way is completed by the
    // next (from the stored run, so the list entry keeps its key). All at once: one round trip, not 33.
    const stored = created ? run : ((await this.getRun(run.runId)) ?? run);
    const putOnce = (Item: Record<string, unknown>) =>
      this.doc
        .send(new PutCommand({ TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }))
        .catch((err: unknown) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        });
    await Promise.all([
      putOnce({ pk: RUN_INDEX_PK, sk: runIndexSk(stored.createdAt, stored.runId), runJson: JSON.stringify(stored) }),
      ...Array.from({ length: stored.segments }, (_, i) =>
        putOnce({
          pk: runPk(stored.runId),
          sk: runSegmentSk(i),
          pages: 0,
          progressJson: JSON.stringify(freshSegment(i, stored.createdAt)),
        }),
      ),
    ]);
    return created;
  }

  async getRun(runId: string): Promise<RescoreRun | null> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: runPk(runId), sk: RUN_SK }, ConsistentRead: true }),
    );
    return r.Item ? (JSON.parse(r.Item.runJson as string) as RescoreRun) : null;
  }

  async getSegment(runId: string, segment: number): Promise<SegmentProgress | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: runPk(runId), sk: runSegmentSk(segment) },
        ConsistentRead: true,
      }),
    );
    return r.Item ? (JSON.parse(r.Item.progressJson as string) as SegmentProgress) : null;
  }

  async recordSegment(runId: string, progress: SegmentProgress, previousPages: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: runPk(runId),
            sk: runSegmentSk(progress.segment),
            pages: progress.pages,
            progressJson: JSON.stringify(progress),
          },
          ConditionExpression: 'pages = :prev',
          ExpressionAttributeValues: { ':prev': previousPages },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async completeSegment(runId: string, segment: number, at: string): Promise<number> {
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: runPk(runId), sk: RUN_SK },
        UpdateExpression: 'ADD doneSegments :s SET lastSegmentAt = :at',
        ExpressionAttributeValues: { ':s': new Set([segment]), ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (r.Attributes?.doneSegments as Set<number> | undefined)?.size ?? 0;
  }

  async viewRun(runId: string): Promise<RunView | null> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': runPk(runId) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const head = items.find((i) => i.sk === RUN_SK);
    if (!head) return null;
    const run = JSON.parse(head.runJson as string) as RescoreRun;
    const segments = items
      .filter((i) => i.sk !== RUN_SK)
      .map((i) => JSON.parse(i.progressJson as string) as SegmentProgress);
    return summarise(
      run,
      segments,
      (head.doneSegments as Set<number> | undefined)?.size ?? 0,
      (head.lastSegmentAt as string) ?? null,
    );
  }

  async listRuns(limit: number): Promise<RescoreRun[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': RUN_INDEX_PK },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => JSON.parse(i.runJson as string) as RescoreRun);
  }

  async plannedRevision(): Promise<number> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: POLICY_PK, sk: PLANNED_SK }, ConsistentRead: true }),
    );
    return (r.Item?.revision as number | undefined) ?? 0;
  }

  async markPlanned(revision: number): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: POLICY_PK, sk: PLANNED_SK },
          UpdateExpression: 'SET revision = :r',
          ConditionExpression: 'attribute_not_exists(revision) OR revision < :r',
          ExpressionAttributeValues: { ':r': revision },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }
}

export const freshSegment = (segment: number, at: string): SegmentProgress => ({
  segment,
  cursor: null,
  done: false,
  pages: 0,
  counts: emptyRunCounts(),
  tenants: {},
  failures: [],
  updatedAt: at,
});

/** A run's totals: its segments summed. Pure; the fakes use it too. */
export function summarise(
  run: RescoreRun,
  segments: readonly SegmentProgress[],
  segmentsDone: number,
  lastSegmentAt: string | null,
): RunView {
  const counts: RunCounts = emptyRunCounts();
  const tenants: Record<string, TenantMoves> = {};
  const failures: RunView['failures'] = [];
  for (const s of segments) {
    for (const k of Object.keys(counts) as (keyof RunCounts)[]) counts[k] += s.counts[k];
    for (const [tenant, m] of Object.entries(s.tenants)) {
      const t = tenants[tenant] ?? { examined: 0, changed: 0, up: 0, down: 0, bandChanges: 0, maxAbsDelta: 0 };
      tenants[tenant] = t;
      t.examined += m.examined;
      t.changed += m.changed;
      t.up += m.up;
      t.down += m.down;
      t.bandChanges += m.bandChanges;
      t.maxAbsDelta = Math.max(t.maxAbsDelta, m.maxAbsDelta);
    }
    failures.push(...s.failures);
  }
  const completed = segmentsDone >= run.segments;
  return {
    ...run,
    status: completed ? 'completed' : 'running',
    segmentsDone,
    counts,
    tenants,
    failures: failures.slice(0, 20),
    completedAt: completed ? lastSegmentAt : null,
  };
}
