import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RESCORE_QUEUE_SETTINGS, RESCORE_WORKER_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { AGGREGATE_DELTA_PARTITIONS } from '../../shared/store/keys.ts';
import type { StageConfig } from '../config.ts';
import { type DataStore, PLATFORM_PARTITIONS } from './data-store.ts';
import type { Monitoring } from './monitoring.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type Queues, queueEventSource } from './queues.ts';
import type { StageKey } from './stage-key.ts';

export interface RescoreWorkerProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  key: StageKey;
  data: DataStore;
  queues: Queues;
  monitoring: Monitoring;
}

/**
 * The rescore worker: the rescore queue's consumer (functions/rescore-worker). One segment message per invocation
 * (`RESCORE_QUEUE_SETTINGS`, shared with the local runtime), at most `maxConcurrency` at once, with partial batch
 * responses; near its timeout it queues the rest of its segment on the same queue. Its role may do exactly what
 * shared/pipeline/rescore-segment.ts calls:
 * - Scan the table (its segment of the run's parallel scan: every tenant's suppliers);
 * - GetItem (the run and its segment; a supplier after a conditional write failed; a change group's parts) and
 *   UpdateItem (a rescored supplier, a next change date, the run's done segments, a page's change group, created by
 *   a conditional update) on any item;
 * - PutItem only on run items (`RUN#…`: the segment's progress, page by page): it never replaces a supplier;
 * - Query only the `POLICY` partition (the live policy timeline);
 * - SendMessage to the rescore queue (continuations), and consume it.
 */
export class RescoreWorker extends Construct {
  readonly worker: PipelineFunction;

  constructor(scope: Construct, id: string, props: RescoreWorkerProps) {
    super(scope, id);
    const { config, data, queues } = props;

    this.worker = new PipelineFunction(this, 'Worker', {
      config,
      name: 'rescore-worker',
      reservedConcurrency: config.reservedConcurrency.rescoreWorker,
      description: 'Rescore queue → one segment of a rescore run: scan, rescore what moved, record progress',
      memorySize: config.memoryMb.rescoreWorker,
      timeout: Duration.seconds(RESCORE_WORKER_TIMEOUT_SECONDS),
      environment: { TABLE_NAME: data.table.tableName, RESCORE_QUEUE_URL: queues.rescore.queueUrl },
      removalPolicy: props.removalPolicy,
      logKey: props.key.key,
    });
    const role = this.worker.role;
    role.addToPrincipalPolicy(data.statement(['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:UpdateItem']));
    role.addToPrincipalPolicy(data.statement(['dynamodb:PutItem'], [PLATFORM_PARTITIONS.runs]));
    // A rescore's portfolio deltas: new items in the tenants' delta logs, nothing else.
    role.addToPrincipalPolicy(data.statement(['dynamodb:PutItem'], AGGREGATE_DELTA_PARTITIONS));
    role.addToPrincipalPolicy(data.statement(['dynamodb:Query'], [PLATFORM_PARTITIONS.policy]));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.rescore.queueArn] }),
    );
    this.worker.fn.addEventSource(queueEventSource(queues.rescore, RESCORE_QUEUE_SETTINGS));
    Validations.of(this.worker.fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'The rescore worker is only invoked synchronously by its SQS event source mapping; a segment message that fails maxReceiveCount times moves to the rescore DLQ (redrive policy), which alarms.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination; failed segment messages go to the rescore queue redrive DLQ after maxReceiveCount receives.',
      },
    );

    props.monitoring.watchRescore(queues);
    props.monitoring.watchFunction('rescore-worker', this.worker.fn);
  }
}
