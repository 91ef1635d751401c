import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CHANGE_EVENT } from '../../shared/changes/events.ts';
import { NOTIFIER_TIMEOUT_SECONDS, NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import type { StageConfig } from '../config.ts';
import { type DataStore, WEBHOOK_PARTITIONS } from './data-store.ts';
import type { Monitoring } from './monitoring.ts';
import { watchNotifications } from './notify-monitoring.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type Queues, queueEventSource } from './queues.ts';
import type { StageKey } from './stage-key.ts';

/** How long EventBridge keeps trying the notify queue before an event goes to the failed-invocations queue. */
export const RULE_TARGET_RETRY = { attempts: 185, maxEventAge: Duration.hours(24) } as const;

export interface NotificationsProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  key: StageKey;
  data: DataStore;
  queues: Queues;
  monitoring: Monitoring;
}

/**
 * Change delivery (issue 10): the stage's custom event bus `{prefix}-changes` with an archive of every event this
 * system puts on it (replay, docs/notifications.md), a rule matching `SupplierRiskChanged` events whose target is
 * the notify queue (EventBridge's own retries, then the failed-invocations queue), and the notifier function
 * consuming that queue. Writers get `events:PutEvents` on this bus only, and only for this system's source
 * (`allowPublish`); the API queues deliveries on the notify queue (infra/stacks/api.ts). The notifier's role may do exactly what
 * shared/notify/*.ts and shared/store/webhooks.ts call: GetItem, Query, PutItem and UpdateItem on the webhook
 * partitions (endpoints and their deliveries), never another item; SendMessage to the notify queue (first attempts,
 * retries, hops), and consume it.
 */
export class Notifications extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly rule: Rule;
  readonly notifier: PipelineFunction;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { config, data, queues } = props;
    this.config = config;

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `${config.prefix}-changes`,
      description: `mineral-risk (${config.stage}): ${CHANGE_EVENT.detailType} events, one per notable score change`,
    });
    this.archive = this.bus.archive('Archive', {
      archiveName: `${config.prefix}-changes`,
      description: 'Every change event of this stage, for replay to the notifier or to a new target',
      eventPattern: { source: [CHANGE_EVENT.source] },
      retention: Duration.days(config.changeEventArchiveDays),
    });
    this.rule = new Rule(this, 'ToNotifier', {
      eventBus: this.bus,
      description: `${CHANGE_EVENT.detailType} → the notify queue (webhooks of the change's tenant)`,
      eventPattern: { source: [CHANGE_EVENT.source], detailType: [CHANGE_EVENT.detailType] },
    });
    this.rule.addTarget(
      new SqsQueue(queues.notify, {
        deadLetterQueue: queues.failedInvocations,
        retryAttempts: RULE_TARGET_RETRY.attempts,
        maxEventAge: RULE_TARGET_RETRY.maxEventAge,
      }),
    );

    this.notifier = new PipelineFunction(this, 'Notifier', {
      config,
      name: 'notifier',
      reservedConcurrency: config.reservedConcurrency.notifier,
      description: 'Notify queue → fan a change out to its tenant’s webhooks; one signed attempt per deliver message',
      memorySize: config.memoryMb.notifier,
      timeout: Duration.seconds(NOTIFIER_TIMEOUT_SECONDS),
      environment: { TABLE_NAME: data.table.tableName, NOTIFY_QUEUE_URL: queues.notify.queueUrl, WEBHOOK_MODE: 'aws' },
      removalPolicy: props.removalPolicy,
      logKey: props.key.key,
    });
    const role = this.notifier.role;
    role.addToPrincipalPolicy(
      data.statement(
        ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        WEBHOOK_PARTITIONS,
      ),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues.notify.queueArn] }),
    );
    this.notifier.fn.addEventSource(queueEventSource(queues.notify, NOTIFY_QUEUE_SETTINGS));
    Validations.of(this.notifier.fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'The notifier is only invoked synchronously by its SQS event source mapping; a message that fails maxReceiveCount times moves to the notify DLQ (redrive policy), which alarms. A receiver failing is not a failed message: it is recorded and retried on schedule.',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings take no on-failure destination; failed notify messages go to the notify queue redrive DLQ after maxReceiveCount receives.',
      },
    );

    watchNotifications(props.monitoring, { queues, notifier: this.notifier.fn, config });
  }

  /**
   * A writer of change records (score, rescore worker, API) publishes their events: the bus and the smallest move in
   * its environment, and `events:PutEvents` on this bus alone, for this system's source alone.
   */
  allowPublish(fn: PipelineFunction): void {
    fn.fn.addEnvironment('CHANGE_EVENT_BUS_NAME', this.bus.eventBusName);
    fn.fn.addEnvironment('CHANGE_EVENT_MIN_POINTS', String(this.config.changeEventMinPoints));
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': CHANGE_EVENT.source } },
      }),
    );
  }
}
