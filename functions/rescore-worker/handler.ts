import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { changeEventsFromEnv } from '../../shared/changes/events-from-env.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { type SegmentMessage, segmentMessageSchema } from '../../shared/pipeline/rescore-run.ts';
import { processSegment, type SegmentDeps } from '../../shared/pipeline/rescore-segment.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { parseRecord } from '../../shared/queue/parse-record.ts';
import { sqsBatchHandler } from '../../shared/queue/sqs-batch-handler.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { trackedSupplierStore } from '../../shared/store/portfolio-tracked-store.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { DynamoDbSupplierScan } from '../../shared/store/supplier-scan.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** A body that is not a segment message: it can never succeed, and goes to the DLQ after its retries. */
export class InvalidSegmentMessageError extends MineralRiskError {
  override readonly name = 'InvalidSegmentMessageError';
  readonly retryable = false;
}

const parse = (record: SQSRecord): SegmentMessage =>
  parseRecord(record, segmentMessageSchema, (reason) => new InvalidSegmentMessageError(reason));

/** SQS (rescore queue) → one turn on a segment of a rescore run per message. Wiring only. */
export function createRescoreWorkerHandler(deps: SegmentDeps) {
  const { logger, metrics } = telemetry();
  const recordHandler = async (record: SQSRecord, context?: Context) => {
    try {
      const message = parse(record);
      const remainingMs = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
      const { outcome, progress, turn } = await processSegment(deps, message, { remainingMs });
      logger.info('rescore segment', {
        runId: message.runId,
        segment: message.segment,
        outcome,
        turn,
        totals: progress?.counts,
      });
      metrics.addMetric('RescoreSuppliersExamined', MetricUnit.Count, turn.examined);
      metrics.addMetric('RescoreSuppliersChanged', MetricUnit.Count, turn.changed);
      if (turn.failed > 0) metrics.addMetric('RescoreFailures', MetricUnit.Count, turn.failed);
      return outcome;
    } catch (err) {
      // The cause, before the batch processor wraps it: the message is retried, and dead-lettered after 5 receives.
      logger.error('rescore segment failed', {
        messageId: record.messageId,
        receives: Number(record.attributes.ApproximateReceiveCount),
        error: err as Error,
      });
      throw err;
    }
  };
  return sqsBatchHandler(recordHandler, { logger, metrics });
}

let fromEnv: ReturnType<typeof createRescoreWorkerHandler> | undefined;

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  return createRescoreWorkerHandler({
    runs: new DynamoDbRescoreRuns(client, table),
    scan: new DynamoDbSupplierScan(client, table),
    store: trackedSupplierStore(client, table).store,
    queue: new SqsScoreQueue(sqsClient(), requiredEnv('RESCORE_QUEUE_URL')),
    reference: new CurrentReference(new DynamoDbPolicyRevisions(client, table), baselineTimeline),
    now: () => new Date(),
    events: changeEventsFromEnv(),
  });
}

export const handler = (event: SQSEvent, context: Context) => {
  fromEnv ??= fromEnvironment();
  return fromEnv(event, context);
};
