import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ScenarioResult } from '../model/scenario.ts';
import type { PortfolioSums, ScenarioPartial } from '../model/scenario-partial.ts';
import {
  pieceSk as chunkSk,
  SCENARIO_JOB_SK as JOB_SK,
  scenarioPartSk as partSk,
  SCENARIO_RESULT_PREFIX as RESULT,
  SCENARIO_PARTS_PREFIX,
  SCENARIO_REQUEST_SK,
  scenarioJobPk,
  scenarioRequestPk,
} from './keys.ts';
import type { ScenarioJob, ScenarioJobStore, ScenarioJobView } from './scenario-jobs-port.ts';
import { gunzipChunks, gzipChunks, putPartialOnce, queryPrefix, readPartialTexts } from './segment-partials.ts';

type StoredSums = Omit<PortfolioSums, 'spend' | 'weighted' | 'bands'> & {
  spend: string;
  weighted: string;
  bands: Record<string, { suppliers: number; spend: string }>;
};

const sumsOut = (s: PortfolioSums): StoredSums => ({
  spend: s.spend.toString(),
  weighted: s.weighted.toString(),
  bands: Object.fromEntries(
    Object.entries(s.bands).map(([b, v]) => [b, { suppliers: v.suppliers, spend: v.spend.toString() }]),
  ),
});
const sumsIn = (s: StoredSums): PortfolioSums => ({
  spend: BigInt(s.spend),
  weighted: BigInt(s.weighted),
  bands: Object.fromEntries(
    Object.entries(s.bands).map(([b, v]) => [b, { suppliers: v.suppliers, spend: BigInt(v.spend) }]),
  ) as PortfolioSums['bands'],
});

/** A value as gzipped JSON in pieces. */
const chunks = (value: unknown): Uint8Array[] => gzipChunks(JSON.stringify(value));
const unchunk = <T>(pieces: readonly Uint8Array[]): T => JSON.parse(gunzipChunks(pieces)) as T;

/**
 * Scenario jobs on DynamoDB, in the job's own partition (`SCN#{tenant}#{jobId}`): the job item with its counters
 * (done segments as a number set, so a segment counts once), each segment's partial (gzipped JSON in chunks, under a
 * head item naming the attempt that stored it first) and the result (chunks). Every item expires with the job.
 */
export class DynamoDbScenarioJobs implements ScenarioJobStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createJob(job: ScenarioJob): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: scenarioJobPk(job.tenant, job.jobId),
          sk: JOB_SK,
          kind: 'scenario-job',
          jobJson: JSON.stringify(job),
          status: 'running',
          examined: 0,
          expiresAt: job.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getJob(tenant: string, jobId: string): Promise<ScenarioJobView | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: scenarioJobPk(tenant, jobId), sk: JOB_SK },
        ConsistentRead: true,
      }),
    );
    const item = r.Item;
    if (!item) return null;
    return {
      job: JSON.parse(item.jobJson as string) as ScenarioJob,
      status: item.status as ScenarioJobView['status'],
      segmentsDone: [...((item.doneSegments as Set<number> | undefined) ?? [])].sort((a, b) => a - b),
      examined: (item.examined as number | undefined) ?? 0,
      completedAt: (item.completedAt as string | undefined) ?? null,
      failure: (item.failure as string | undefined) ?? null,
    };
  }

  async putPartial(job: ScenarioJob, segment: number, partial: ScenarioPartial): Promise<boolean> {
    const stored = { ...partial, base: sumsOut(partial.base), scenario: sumsOut(partial.scenario) };
    return putPartialOnce(
      this.doc,
      this.tableName,
      { pk: scenarioJobPk(job.tenant, job.jobId), headSk: partSk(segment), expiresAt: job.expiresAt },
      JSON.stringify(stored),
    );
  }

  async countSegment(job: ScenarioJob, segment: number, examined: number, at: string): Promise<number | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: scenarioJobPk(job.tenant, job.jobId), sk: JOB_SK },
          UpdateExpression: 'ADD doneSegments :s, examined :n SET updatedAt = :at',
          ConditionExpression:
            '#status = :running AND (attribute_not_exists(doneSegments) OR NOT contains(doneSegments, :seg))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':s': new Set([segment]),
            ':seg': segment,
            ':n': examined,
            ':at': at,
            ':running': 'running',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (r.Attributes?.doneSegments as Set<number> | undefined)?.size ?? 0;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return null;
      throw err;
    }
  }

  async readPartials(job: ScenarioJob): Promise<ScenarioPartial[]> {
    const texts = await readPartialTexts(
      this.doc,
      this.tableName,
      scenarioJobPk(job.tenant, job.jobId),
      SCENARIO_PARTS_PREFIX,
    );
    return texts.map((text) => {
      const stored = JSON.parse(text) as ScenarioPartial & { base: StoredSums; scenario: StoredSums };
      return { ...stored, base: sumsIn(stored.base), scenario: sumsIn(stored.scenario) };
    });
  }

  async putResult(job: ScenarioJob, result: ScenarioResult, at: string): Promise<void> {
    const pk = scenarioJobPk(job.tenant, job.jobId);
    const pieces = chunks(result);
    await Promise.all(
      pieces.map((data, i) => this.put({ pk, sk: chunkSk(RESULT, i), data, expiresAt: job.expiresAt })),
    );
    await this.finish(job, 'SET #status = :done, resultChunks = :n, completedAt = :at', {
      ':done': 'completed',
      ':n': pieces.length,
      ':at': at,
    });
  }

  async getResult(job: ScenarioJob): Promise<ScenarioResult | null> {
    const head = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: scenarioJobPk(job.tenant, job.jobId), sk: JOB_SK },
        ConsistentRead: true,
      }),
    );
    const n = head.Item?.resultChunks as number | undefined;
    if (n === undefined) return null;
    const items = await this.query(job, `${RESULT}#`);
    const bySk = new Map(items.map((i) => [i.sk as string, i.data as Uint8Array]));
    return unchunk<ScenarioResult>(
      Array.from({ length: n }, (_, i) => {
        const piece = bySk.get(chunkSk(RESULT, i));
        if (!piece) throw new Error(`scenario job ${job.jobId}: result chunk ${i} is missing`);
        return piece;
      }),
    );
  }

  async failJob(job: ScenarioJob, reason: string, at: string): Promise<void> {
    await this.finish(job, 'SET #status = :failed, failure = :why, completedAt = :at', {
      ':failed': 'failed',
      ':why': reason,
      ':at': at,
    });
  }

  async tieRequest(job: ScenarioJob, key: string, replacing: string | null): Promise<boolean> {
    const now = Math.floor(Date.parse(job.createdAt) / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: scenarioRequestPk(job.tenant, key),
            sk: SCENARIO_REQUEST_SK,
            jobId: job.jobId,
            expiresAt: job.expiresAt,
          },
          // TTL deletes lazily: a tie past its job's expiry is untied already.
          ConditionExpression:
            replacing === null ? 'attribute_not_exists(pk) OR expiresAt <= :now' : 'jobId = :replacing',
          ExpressionAttributeValues: replacing === null ? { ':now': now } : { ':replacing': replacing },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async requestJob(tenant: string, key: string, nowSeconds: number): Promise<string | null> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: scenarioRequestPk(tenant, key), sk: SCENARIO_REQUEST_SK },
        ConsistentRead: true,
      }),
    );
    const item = r.Item;
    return item && Number(item.expiresAt) > nowSeconds ? String(item.jobId) : null;
  }

  /** Ends a running job (a job ended already stays as it ended). */
  private async finish(job: ScenarioJob, update: string, values: Record<string, unknown>): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: scenarioJobPk(job.tenant, job.jobId), sk: JOB_SK },
          UpdateExpression: update,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':running': 'running' },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }

  private put(Item: Record<string, unknown>) {
    return this.doc.send(new PutCommand({ TableName: this.tableName, Item }));
  }

  private query(job: ScenarioJob, prefix: string): Promise<Record<string, unknown>[]> {
    return queryPrefix(this.doc, this.tableName, scenarioJobPk(job.tenant, job.jobId), prefix);
  }
}
