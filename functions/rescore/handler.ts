import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { MineralRiskError } from '../../shared/errors.ts';
import { parseIsoDate } from '../../shared/model/normalise.ts';
import { type RescoreDeps, type RescoreResult, rescoreDue } from '../../shared/pipeline/rescore.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { telemetry } from '../../shared/telemetry.ts';

/** On-demand invocation payload: `{ "asOf": "2026-11-11" }`; a scheduled event means today. */
export type RescoreEvent = ScheduledEvent | { asOf?: string };

export class InvalidRescoreRequestError extends MineralRiskError {
  override readonly name = 'InvalidRescoreRequestError';
  readonly retryable = false;
}

/** Schedule (EventBridge) or on demand → queue every supplier whose score may have changed as of the date. */
export function createRescoreHandler(deps: RescoreDeps, today: () => string) {
  const { logger, metrics } = telemetry();
  return middy(async (event: RescoreEvent, _context: Context): Promise<RescoreResult> => {
    const requested = 'asOf' in event && typeof event.asOf === 'string' ? parseIsoDate(event.asOf) : null;
    if (requested && !requested.ok) throw new InvalidRescoreRequestError(requested.message);
    const asOf = requested?.ok ? requested.value : today();
    const result = await rescoreDue(deps, asOf);
    logger.info('rescore queued', { ...result, failures: undefined });
    metrics.addMetric('SuppliersQueuedForRescore', MetricUnit.Count, result.queued);
    // Not thrown: every other supplier was queued, and these stay due, so the next run tries them again.
    if (result.failed > 0) {
      logger.error('suppliers not queued for rescoring', { failed: result.failed, failures: result.failures });
      metrics.addMetric('RescoreFailures', MetricUnit.Count, result.failed);
    }
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

let fromEnv: ReturnType<typeof createRescoreHandler> | undefined;

export const handler = (event: RescoreEvent, context: Context) => {
  fromEnv ??= createRescoreHandler(
    {
      store: new DynamoDbSupplierStore(dynamoDbClient(), requiredEnv('TABLE_NAME')),
      queue: new SqsScoreQueue(sqsClient(), requiredEnv('QUEUE_URL')),
      ref: referenceData(),
    },
    () => new Date().toISOString().slice(0, 10),
  );
  return fromEnv(event, context);
};
