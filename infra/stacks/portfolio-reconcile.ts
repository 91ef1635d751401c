import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { AGGREGATE_PARTITIONS } from '../../shared/store/keys.ts';
import type { StageConfig } from '../config.ts';
import type { DataStore } from './data-store.ts';
import type { Monitoring } from './monitoring.ts';
import { ASYNC_RETRIES, MAX_EVENT_AGE, SendOnlySqsDestination } from './pipeline.ts';
import { PipelineFunction } from './pipeline-function.ts';
import type { Queues } from './queues.ts';
import type { StageKey } from './stage-key.ts';

/** The recount scans the whole table in one invocation: Lambda's longest run, memory for the CPU of the sums. */
const RECONCILE_TIMEOUT = Duration.minutes(15);
const RECONCILE_MEMORY_MB = 1024;
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
 * ones it replaces) only on the aggregates' partitions (snapshot, deltas).
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
      environment: { TABLE_NAME: data.table.tableName },
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
    Validations.of(this.reconcile.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked asynchronously (EventBridge schedule, on demand); failed events go to the on-failure destination of its EventInvokeConfig (the failed-invocations queue), which records the error, unlike a DeadLetterConfig.',
    });
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
