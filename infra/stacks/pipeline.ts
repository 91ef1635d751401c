import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DestinationConfig, IDestination, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_SETTINGS, SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { AGGREGATE_DELTA_PARTITIONS } from '../../shared/store/keys.ts';
import type { StageConfig } from '../config.ts';
import { BATCH_PARTITIONS, type DataStore, PLATFORM_PARTITIONS, SUPPLIER_PARTITIONS } from './data-store.ts';
import type { Monitoring } from './monitoring.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type Queues, queueEventSource } from './queues.ts';
import { RescoreWorker } from './rescore-worker.ts';
import type { StageKey } from './stage-key.ts';
import { UPLOAD_PREFIX, type Uploads } from './uploads.ts';

/** Async retries: ingest is idempotent per upload; a failed rescore is re-run by the next schedule or on demand. */
export const ASYNC_RETRIES = { ingest: 2, rescore: 1 } as const;
export const MAX_EVENT_AGE = Duration.hours(6);

/**
 * Lambda's on-failure destination on an SQS queue, granting the function's role `sqs:SendMessage` on that queue
 * and nothing else (aws-lambda-destinations' SqsDestination also grants GetQueueAttributes and GetQueueUrl).
 */
export class SendOnlySqsDestination implements IDestination {
  constructor(private readonly queue: IQueue) {}

  bind(_scope: Construct, fn: IFunction): DestinationConfig {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    return { destination: this.queue.queueArn };
  }
}

export interface PipelineProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  key: StageKey;
  data: DataStore;
  uploads: Uploads;
  queues: Queues;
  monitoring: Monitoring;
}

/**
 * The scoring pipeline: upload → ingest → score queue → score → table, and schedule → rescore (the planner) →
 * rescore queue → rescore worker (infra/stacks/rescore-worker.ts) → table. Each function's role gets exactly the
 * actions its adapters call (shared/store/*.ts, shared/queue/sqs-score-queue.ts, shared/uploads/s3-upload-reader.ts):
 * - ingest: GetObject under `uploads/` and Decrypt with the stage key through S3; PutItem (batch record), UpdateItem,
 *   BatchWriteItem (rejections); GetItem on batch and supplier partitions only (a workbook merges into the stored
 *   supplier);
 *   SendMessage (SendMessageBatch) to the score queue.
 * - score: PutItem (conditional supplier writes, change groups), GetItem, UpdateItem (batch counters); Query on the
 *   `POLICY` partition only (the live policy timeline); consumes the score queue.
 * - rescore: only the platform's partitions, never a tenant's: GetItem, Query, UpdateItem on `POLICY` (revisions,
 *   the planned-revision marker), GetItem, PutItem on `RUN#…` (a run and its segments); SendMessage (SendMessageBatch)
 *   to the rescore queue.
 */
export class Pipeline extends Construct {
  readonly ingest: PipelineFunction;
  readonly score: PipelineFunction;
  readonly rescore: PipelineFunction;
  readonly rescoreWorker: PipelineFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { config, data, uploads, queues, monitoring, key } = props;
    const table = data.table;
    const onFailure = new SendOnlySqsDestination(queues.failedInvocations);

    this.ingest = new PipelineFunction(this, 'Ingest', {
      config,
      name: 'ingest',
      reservedConcurrency: config.reservedConcurrency.ingest,
      description: 'S3 upload → validate the supplier list, record rejections, queue suppliers for scoring',
      memorySize: config.memoryMb.ingest,
      timeout: Duration.seconds(config.timeoutSeconds.ingest),
      environment: { TABLE_NAME: table.tableName, QUEUE_URL: queues.score.queueUrl },
      removalPolicy: props.removalPolicy,
      logKey: key.key,
      async: { retryAttempts: ASYNC_RETRIES.ingest, maxEventAge: MAX_EVENT_AGE, onFailure },
    });
    this.ingest.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [uploads.objectsArn(UPLOAD_PREFIX)] }),
    );
    key.grantThroughS3(this.ingest.role, ['kms:Decrypt']);
    this.ingest.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
      }),
    );
    // The batch record, and the stored supplier a workbook merges into (shared/pipeline/merge-stored-workbook.ts).
    this.ingest.role.addToPrincipalPolicy(
      data.statement(['dynamodb:GetItem'], [...BATCH_PARTITIONS, ...SUPPLIER_PARTITIONS]),
    );
    this.ingest.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.score.queueArn] }),
    );
    uploads.notifyOnUpload(this.ingest.fn);
    Validations.of(this.ingest.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${uploads.nagObjectsArn(UPLOAD_PREFIX)}]`,
      reason: `Ingest reads any upload under ${UPLOAD_PREFIX} (keys are uploads/{tenant}/{batchId}, created at run time) and nothing else in the bucket.`,
    });

    this.score = new PipelineFunction(this, 'Score', {
      config,
      name: 'score',
      reservedConcurrency: config.reservedConcurrency.score,
      description: 'SQS score messages → score suppliers, conditional writes to the table (partial batch response)',
      memorySize: config.memoryMb.score,
      timeout: Duration.seconds(SCORE_FUNCTION_TIMEOUT_SECONDS),
      environment: { TABLE_NAME: table.tableName },
      removalPolicy: props.removalPolicy,
      logKey: key.key,
    });
    this.score.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    // Scores follow the live policy timeline: the revisions' partition, and no other, may be queried.
    this.score.role.addToPrincipalPolicy(data.statement(['dynamodb:Query'], [PLATFORM_PARTITIONS.policy]));
    // The fold of a tenant's portfolio deltas as its batch is counted (shared/portfolio/fold-after-chunk.ts).
    this.score.role.addToPrincipalPolicy(data.statement(['dynamodb:Query'], AGGREGATE_DELTA_PARTITIONS));
    this.score.fn.addEventSource(queueEventSource(queues.score, QUEUE_SETTINGS));
    Validations.of(this.score.fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'The score function is only invoked synchronously by its SQS event source mapping; a message that fails maxReceiveCount times moves to the score queue DLQ (redrive policy), which alarms.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination; failed messages go to the queue redrive DLQ after maxReceiveCount receives.',
      },
    );

    this.rescore = new PipelineFunction(this, 'Rescore', {
      config,
      name: 'rescore',
      reservedConcurrency: config.reservedConcurrency.rescore,
      description:
        'Schedule or on demand → start the rescore runs (missed policy revisions, the date): one message per segment',
      memorySize: config.memoryMb.rescore,
      timeout: Duration.seconds(config.timeoutSeconds.rescore),
      environment: { TABLE_NAME: table.tableName, RESCORE_QUEUE_URL: queues.rescore.queueUrl },
      removalPolicy: props.removalPolicy,
      logKey: key.key,
      async: { retryAttempts: ASYNC_RETRIES.rescore, maxEventAge: MAX_EVENT_AGE, onFailure },
    });
    this.rescore.role.addToPrincipalPolicy(
      data.statement(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], [PLATFORM_PARTITIONS.policy]),
    );
    this.rescore.role.addToPrincipalPolicy(
      data.statement(['dynamodb:GetItem', 'dynamodb:PutItem'], [PLATFORM_PARTITIONS.runs]),
    );
    this.rescore.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.rescore.queueArn] }),
    );

    for (const fn of [this.ingest, this.rescore]) {
      Validations.of(fn.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked asynchronously (S3 notification, EventBridge schedule); failed events go to the on-failure destination of its EventInvokeConfig (the failed-invocations queue), which records the error, unlike a DeadLetterConfig.',
      });
    }

    this.schedule = new Rule(this, 'RescoreSchedule', {
      description:
        'Daily rescore runs: policy revisions not yet planned, and the date (next change dates, older versions)',
      schedule: Schedule.expression(config.rescoreSchedule),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.rescore.fn, {
        deadLetterQueue: queues.failedInvocations,
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
      }),
    );

    monitoring.watchPipeline(queues);
    monitoring.watchFunction('ingest', this.ingest.fn);
    monitoring.watchFunction('score', this.score.fn);
    monitoring.watchFunction('rescore', this.rescore.fn);

    this.rescoreWorker = new RescoreWorker(this, 'RescoreWorker', {
      config,
      removalPolicy: props.removalPolicy,
      key,
      data,
      queues,
      monitoring,
    }).worker;
  }
}
