import { randomBytes } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import {
  processRecountSegment,
  type RecountSegmentDeps,
  type RecountSegmentMessage,
  type RecountStart,
  recountSegmentMessageSchema,
  type StartRecountDeps,
  startRecount,
} from '../../shared/portfolio/recount-run.ts';
import { parseRecord } from '../../shared/queue/parse-record.ts';
import { sqsBatchHandler } from '../../shared/queue/sqs-batch-handler.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbPortfolioAggregates } from '../../shared/store/portfolio-aggregates.ts';
import { DynamoDbContributionScan } from '../../shared/store/portfolio-aggregates-scan.ts';
import { DynamoDbRecountRuns } from '../../shared/store/portfolio-recount-runs.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** A body that is not a recount segment message: it can never succeed, and goes to the DLQ after its retries. */
export class InvalidRecountMessageError extends MineralRiskError {
  override readonly name = 'InvalidRecountMessageError';
  readonly retryable = false;
}

const parse = (record: SQSRecord): RecountSegmentMessage =>
  parseRecord(record, recountSegmentMessageSchema, (reason) => new InvalidRecountMessageError(reason));

/**
 * Schedule (EventBridge, daily after the rescore runs) or on demand → recount every tenant's portfolio aggregates
 * (shared/portfolio/recount-run.ts): here for a small table, else fanned out over the recount queue. Any event; it
 * carries nothing.
 */
export function createReconcileHandler(deps: StartRecountDeps) {
  const { logger, metrics } = telemetry();
  return middy(async (_event: unknown, _context: Context): Promise<RecountStart> => {
    const result = await startRecount(deps);
    logger.info('portfolio recount', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** SQS (recount queue) → one segment of a fanned-out recount per message. Wiring only. */
export function createRecountSegmentHandler(deps: RecountSegmentDeps) {
  const { logger, metrics } = telemetry();
  return sqsBatchHandler(
    async (record: SQSRecord) => {
      try {
        const message = parse(record);
        const { outcome, suppliers } = await processRecountSegment(deps, message);
        logger.info('recount segment', { runId: message.runId, segment: message.segment, outcome, suppliers });
        metrics.addMetric('RecountSuppliersCounted', MetricUnit.Count, suppliers);
        return outcome;
      } catch (err) {
        logger.error('recount segment failed', {
          messageId: record.messageId,
          receives: Number(record.attributes.ApproximateReceiveCount),
          error: err as Error,
        });
        throw err;
      }
    },
    { logger, metrics },
  );
}

const isSqsEvent = (event: unknown): event is SQSEvent =>
  Array.isArray((event as SQSEvent | null)?.Records) &&
  (event as SQSEvent).Records.every((r) => r.eventSource === 'aws:sqs');

let fromEnv: {
  start: ReturnType<typeof createReconcileHandler>;
  segment: ReturnType<typeof createRecountSegmentHandler>;
};

function fromEnvironment() {
  const table = requiredEnv('TABLE_NAME');
  const client = dynamoDbClient();
  const runs = new DynamoDbRecountRuns(client, table);
  const common = {
    scan: new DynamoDbContributionScan(client, table, referenceData()),
    aggregates: new DynamoDbPortfolioAggregates(client, table, { largeSnapshots: true }),
    now: () => new Date(),
  };
  return {
    start: createReconcileHandler({
      ...common,
      fanOut: {
        runs,
        queue: new SqsScoreQueue(sqsClient(), requiredEnv('RECOUNT_QUEUE_URL')),
        tableItems: () => runs.tableItems(),
        newId: () => `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`,
      },
    }),
    segment: createRecountSegmentHandler({ ...common, runs }),
  };
}

/** One function, two triggers: the schedule (or an on-demand invoke) starts a recount; the recount queue's messages are its segments. */
export const handler = (event: unknown, context: Context) => {
  fromEnv ??= fromEnvironment();
  return isSqsEvent(event) ? fromEnv.segment(event, context) : fromEnv.start(event, context);
};
