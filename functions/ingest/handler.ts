import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, S3Event } from 'aws-lambda';
import { dynamoDbClient, requiredEnv, sqsClient } from '../../shared/aws-clients.ts';
import { type IngestDeps, type IngestResult, ingestUpload } from '../../shared/pipeline/ingest-upload.ts';
import { SqsScoreQueue } from '../../shared/queue/sqs-score-queue.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { telemetry } from '../../shared/telemetry.ts';
import { InvalidUploadKeyError } from '../../shared/uploads/key.ts';
import { createS3Client, S3UploadReader } from '../../shared/uploads/s3-upload-reader.ts';

/** S3 event keys are URL-encoded, with '+' for spaces. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/** S3 object created → validate the supplier list, record rejections, queue its suppliers for scoring. */
export function createIngestHandler(deps: IngestDeps) {
  const { logger, metrics } = telemetry();
  return middy(async (event: S3Event, context: Context): Promise<IngestResult[]> => {
    const results: IngestResult[] = [];
    let firstError: unknown;
    for (const record of event.Records) {
      const source = { bucket: record.s3.bucket.name, key: decodeKey(record.s3.object.key) };
      try {
        const result = await ingestUpload(deps, source, { remainingMs: () => context.getRemainingTimeInMillis() });
        logger.info('upload ingested', { ...source, outcome: result.outcome, messages: result.messages });
        metrics.addMetric('RowsRead', MetricUnit.Count, result.batch?.rows ?? 0);
        metrics.addMetric('RowsRejected', MetricUnit.Count, result.batch?.rejected ?? 0);
        results.push(result);
      } catch (err) {
        // A key outside the uploads/{tenant}/{batch} layout belongs to no tenant: log it, don't retry forever.
        if (err instanceof InvalidUploadKeyError) {
          logger.error('upload key rejected', { ...source, error: err });
          continue;
        }
        // One upload's failure does not stop the others of the event; the invocation fails after them, so Lambda
        // retries it (ingest is idempotent per object: the uploads done already are skipped or redone unchanged).
        logger.error('upload not ingested', { ...source, error: err as Error });
        firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
    return results;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

let fromEnv: ReturnType<typeof createIngestHandler> | undefined;

export const handler = (event: S3Event, context: Context) => {
  fromEnv ??= createIngestHandler({
    uploads: new S3UploadReader(createS3Client({})),
    store: new DynamoDbSupplierStore(dynamoDbClient(), requiredEnv('TABLE_NAME')),
    queue: new SqsScoreQueue(sqsClient(), requiredEnv('QUEUE_URL')),
    now: () => new Date(),
  });
  return fromEnv(event, context);
};
