import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RECOUNT_FUNCTION_TIMEOUT_SECONDS, RECOUNT_QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { AGGREGATE_PARTITIONS, RECOUNT_RUN_PARTITIONS } from '../../shared/store/keys.ts';
import type { StageConfig } from '../config.ts';
import type { DataStore } from './data-store.ts';
import type { Monitoring } from './monitoring.ts';
import { ASYNC_RETRIES, MAX_EVENT_AGE, SendOnlySqsDestination } from './pipeline.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type Queues, queueEventSource } from './queues.ts';
import type { StageKey } from './stage-key.ts';

/** A turn scans the whole table, or one segment of it: Lambda's longest run, memory for the CPU of the sums. */
const RECONCILE_TIMEOUT = Duration.seconds(RECOUNT_FUNCTION_TIMEOUT_SECONDS);
const RECONCILE_MEMORY_MB = 1024;
const ONE_MINUTE = Duration.minutes(1);
/**
 * A recount segment waiting this long means the recount is stalled: 128 segments at most, 4 at a time, each under
 * 15 minutes, all start within 8 hours.
 */
const RECOUNT_OLDEST_MESSAGE_SECONDS = 8 * 60 * 60;
/** Daily, after the rescore runs of 02:15 UTC have had time to write (their deltas land in the recount). */
const RECONCILE_SCHEDULE = 'cron(45 4 * * ? *)';

export interface PortfolioReconcileProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  key: StageKey;
  data: DataStore;
  queues: Queues;
  monitoring: Monitoring;
}

/**
 * The daily recount of the portfolio aggregates (functions/portfolio-reconcile). Its role may do exactly what
 * shared/store/portfolio-aggregates*.ts call: Scan the table (every tenant's suppliers and aggregate items) and
 * GetItem (a supplier item without its contribution: an older item's full result, or a compact item's input and
 * summary; the snapshot's head); Query, PutItem and BatchWriteItem (a large snapshot's pieces and the deletion of the
 * ones it replaces) only on the aggregates' partitions (snapshot, deltas). A table too large for one turn
 * (shared/portfolio/recount-run.ts) is fanned out: DescribeTable (its item count), GetItem, PutItem, UpdateItem and
 * Query on the recount runs' partitions (`RECOUNT#…`), send to and consume the recount queue (one segment a message;
 * its DLQ alarms).
 */
export class PortfolioReconcile extends Construct {
  readonly reconcile: PipelineFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: PortfolioReconcileProps) {
    super(scope, id);
    const { config, data, queues } = props;
    this.reconcile = new PipelineFunction(this, 'Reconcile', {
      config,
      name: 'portfolio-reconcile',
      description: 'Schedule or on demand → recount every tenant’s portfolio aggregates from its stored suppliers',
      memorySize: RECONCILE_MEMORY_MB,
      timeout: RECONCILE_TIMEOUT,
      environment: { TABLE_NAME: data.table.tableName, RECOUNT_QUEUE_URL: queues.recount.queueUrl },
      removalPolicy: props.removalPolicy,
      logKey: props.key.key,
      async: {
        retryAttempts: ASYNC_RETRIES.rescore,
        maxEventAge: MAX_EVENT_AGE,
        onFailure: new SendOnlySqsDestination(queues.failedInvocations),
      },
    });
    const role = this.reconcile.role;
    role.addToPrincipalPolicy(data.statement(['dynamodb:Scan', 'dynamodb:GetItem']));
    role.addToPrincipalPolicy(
      data.statement(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'], AGGREGATE_PARTITIONS),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [data.table.tableArn] }),
    );
    role.addToPrincipalPolicy(
      data.statement(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        RECOUNT_RUN_PARTITIONS,
      ),
    );
    queues.recount.grantSendMessages(role);
    this.reconcile.fn.addEventSource(queueEventSource(queues.recount, RECOUNT_QUEUE_SETTINGS));
    Validations.of(this.reconcile.fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked asynchronously (EventBridge schedule, on demand); failed events go to the on-failure destination of its EventInvokeConfig (the failed-invocations queue), which records the error, unlike a DeadLetterConfig. Its recount segments come from the recount queue, whose redrive DLQ alarms.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination; failed recount segments go to the recount queue redrive DLQ after maxReceiveCount receives.',
      },
    );
    props.monitoring.alarm(
      'recount-dlq-messages',
      queues.recountDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      1,
      'A segment of a portfolio recount failed every receive and is in the recount DLQ: that recount cannot complete (the aggregates stay as they are until the next day’s).',
      'alarm-recount-dlq-messages',
    );
    props.monitoring.alarm(
      'recount-oldest-message',
      queues.recount.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      RECOUNT_OLDEST_MESSAGE_SECONDS,
      'A portfolio recount segment has waited 8 hours or more for 5 minutes: the recount is stalled (its function throttled or failing).',
      'alarm-recount-oldest-message',
      5,
    );
    this.schedule = new Rule(this, 'ReconcileSchedule', {
      description: 'Daily recount of the portfolio aggregates, after the rescore runs',
      schedule: Schedule.expression(RECONCILE_SCHEDULE),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.reconcile.fn, {
        deadLetterQueue: queues.failedInvocations,
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
      }),
    );
    props.monitoring.watchFunction('portfolio-reconcile', this.reconcile.fn);
  }
}
