import { Duration, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SCENARIO_QUEUE_SETTINGS, SCENARIO_WORKER_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { PLATFORM_PARTITIONS, SCENARIO_JOB_PARTITIONS } from './data-store.ts';
import type { Platform } from './mineral-risk-stack.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { queueEventSource } from './queues.ts';

const ONE_MINUTE = Duration.minutes(1);

/**
 * The scenario worker: the scenario queue's consumer (functions/scenario-worker). One segment message per invocation
 * (`SCENARIO_QUEUE_SETTINGS`, shared with the local runtime), at most `maxConcurrency` at once, with partial batch
 * responses. Its role may do exactly what shared/pipeline/scenario-segment.ts calls:
 * - Scan the table (its segment of the job's parallel scan; it keeps one tenant's suppliers and reads their input);
 * - GetItem, PutItem, UpdateItem and Query only on scenario job items (`SCN#…`): it writes nothing else;
 * - Query only the `POLICY` partition (the timeline at the job's revision);
 * - consume the scenario queue (it sends nothing).
 */
export class ScenarioWorker extends Construct {
  readonly worker: PipelineFunction;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    const { config, data, queues, monitoring } = platform;

    this.worker = new PipelineFunction(this, 'Worker', {
      config,
      name: 'scenario-worker',
      reservedConcurrency: config.reservedConcurrency.scenarioWorker,
      description: 'Scenario queue → one segment of a scenario job: scan, score on both timelines, store the partial',
      memorySize: config.memoryMb.scenarioWorker,
      timeout: Duration.seconds(SCENARIO_WORKER_TIMEOUT_SECONDS),
      environment: { TABLE_NAME: data.table.tableName },
      removalPolicy: platform.removalPolicy,
      logKey: platform.key.key,
    });
    const role = this.worker.role;
    role.addToPrincipalPolicy(data.statement(['dynamodb:Scan']));
    role.addToPrincipalPolicy(
      data.statement(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        SCENARIO_JOB_PARTITIONS,
      ),
    );
    role.addToPrincipalPolicy(data.statement(['dynamodb:Query'], [PLATFORM_PARTITIONS.policy]));
    this.worker.fn.addEventSource(queueEventSource(queues.scenario, SCENARIO_QUEUE_SETTINGS));
    Validations.of(this.worker.fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'The scenario worker is only invoked synchronously by its SQS event source mapping; a segment message that fails maxReceiveCount times moves to the scenario DLQ (redrive policy), which alarms.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination; failed segment messages go to the scenario queue redrive DLQ after maxReceiveCount receives.',
      },
    );

    monitoring.alarm(
      'scenario-dlq-messages',
      queues.scenarioDlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      1,
      'A segment of a scenario job failed every receive and is in the scenario DLQ: that job cannot complete (its tenant sees it running until it expires).',
      'alarm-scenario-dlq-messages',
    );
    const seconds = config.scenarioOldestMessageAlarmSeconds;
    monitoring.alarm(
      'scenario-oldest-message',
      queues.scenario.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      seconds,
      `A scenario segment has waited ${seconds} s or more for 5 minutes: scenario jobs are stalled or far behind.`,
      'alarm-scenario-oldest-message',
      5,
    );
    monitoring.watchFunction('scenario-worker', this.worker.fn);
  }
}
