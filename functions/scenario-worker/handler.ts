import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, requiredEnv } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { type ScenarioSegmentMessage, scenarioSegmentMessageSchema } from '../../shared/pipeline/scenario-job.ts';
import { processScenarioSegment, type ScenarioSegmentDeps } from '../../shared/pipeline/scenario-segment.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { parseRecord } from '../../shared/queue/parse-record.ts';
import { sqsBatchHandler } from '../../shared/queue/sqs-batch-handler.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { RevisionReference } from '../../shared/scenarios/revision-reference.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { DynamoDbScenarioJobs } from '../../shared/store/scenario-jobs.ts';
import { DynamoDbTenantSupplierScan } from '../../shared/store/scenario-scan.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** A body that is not a scenario segment message: it can never succeed, and goes to the DLQ after its retries. */
export class InvalidScenarioMessageError extends MineralRiskError {
  override readonly name = 'InvalidScenarioMessageError';
  readonly retryable = false;
}

const parse = (record: SQSRecord): ScenarioSegmentMessage =>
  parseRecord(record, scenarioSegmentMessageSchema, (reason) => new InvalidScenarioMessageError(reason));

/** SQS (scenario queue) → one segment of a scenario job per message. Wiring only. */
export function createScenarioWorkerHandler(deps: ScenarioSegmentDeps) {
  const { logger, metrics } = telemetry();
  const recordHandler = async (record: SQSRecord) => {
    try {
      const message = parse(record);
      const { outcome, examined } = await processScenarioSegment(deps, message);
      logger.info('scenario segment', { jobId: message.jobId, segment: message.segment, outcome, examined });
      metrics.addMetric('ScenarioSuppliersExamined', MetricUnit.Count, examined);
      if (outcome === 'assembled') metrics.addMetric('ScenarioJobsCompleted', MetricUnit.Count, 1);
      return outcome;
    } catch (err) {
      // The cause, before the batch processor wraps it: the message is retried, and dead-lettered after its receives.
      logger.error('scenario segment failed', {
        messageId: record.messageId,
        receives: Number(record.attributes.ApproximateReceiveCount),
        error: err as Error,
      });
      throw err;
    }
  };
  return sqsBatchHandler(recordHandler, { logger, metrics });
}

let fromEnv: ReturnType<typeof createScenarioWorkerHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  const policy = new DynamoDbPolicyRevisions(client, table);
  return createScenarioWorkerHandler({
    jobs: new DynamoDbScenarioJobs(client, table),
    scan: new DynamoDbTenantSupplierScan(client, table),
    reference: new RevisionReference(new CurrentReference(policy, baselineTimeline), policy, baselineTimeline),
    now: () => new Date(),
  });
}

export const handler = (event: SQSEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
