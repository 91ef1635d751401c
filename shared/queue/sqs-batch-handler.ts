/** The Lambda shape of every SQS-triggered function: one record handler, partial batch responses, telemetry. */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Telemetry } from '../telemetry.ts';

/**
 * Wraps a record handler so one failing record fails alone (its id in `batchItemFailures`, retried by SQS) and the
 * others are deleted. A processor per invocation: outside Lambda's InvokeStore it keeps the records and failures of
 * the batch in instance fields, so one shared by concurrent invocations (the local queue runs up to maxConcurrency of
 * them) mixes their failures up and deletes messages that failed.
 */
export function sqsBatchHandler(
  recordHandler: (record: SQSRecord, context?: Context) => Promise<unknown>,
  { logger, metrics }: Telemetry,
) {
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context }),
  )
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
