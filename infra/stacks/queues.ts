import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type IQueue, Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NOTIFIER_TIMEOUT_SECONDS, NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import {
  QUEUE_SETTINGS,
  RECOUNT_FUNCTION_TIMEOUT_SECONDS,
  RECOUNT_QUEUE_SETTINGS,
  RESCORE_QUEUE_SETTINGS,
  RESCORE_WORKER_TIMEOUT_SECONDS,
  SCENARIO_QUEUE_SETTINGS,
  SCENARIO_WORKER_TIMEOUT_SECONDS,
  SCORE_FUNCTION_TIMEOUT_SECONDS,
} from '../../shared/queue/settings.ts';
import { acknowledgeControl } from './control-tower.ts';

/** SQS's message size limit this system is built for (shared/queue/settings.ts aims each message far below it). */
export const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;
/** Score messages wait at most this long before SQS drops them (the DLQ keeps failed ones 14 days). */
export const SCORE_QUEUE_RETENTION_DAYS = 4;
/**
 * Rescore segments wait at most this long: far more than a run's 32 segments take, 8 at a time. A segment's redrive
 * (5 receives, 90 minutes of visibility each) ends in the DLQ within 7.5 hours, long before.
 */
export const RESCORE_QUEUE_RETENTION_DAYS = 4;

const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;

/** The score queue's fixed name, so the DLQ's redrive allow policy can name it without a circular reference. */
export const scoreQueueName = (prefix: string) => `${prefix}-score`;
/** The rescore queue's fixed name, for the same reason. */
export const rescoreQueueName = (prefix: string) => `${prefix}-rescore`;
/** The scenario queue's fixed name, for the same reason. */
export const scenarioQueueName = (prefix: string) => `${prefix}-scenario`;
/** The portfolio recount queue's fixed name, for the same reason. */
export const recountQueueName = (prefix: string) => `${prefix}-recount`;
/** The notify queue's fixed name, for the same reason. */
export const notifyQueueName = (prefix: string) => `${prefix}-notify`;

export interface QueuesProps {
  /** The stage prefix (`config.prefix`): the queues are `{prefix}-score` and `{prefix}-rescore`. */
  prefix: string;
}

interface RedrivenQueueSettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  dlqRetentionDays: number;
}

/**
 * The queues of the system, all with SSE-SQS encryption and a policy that denies requests without TLS:
 * - `score`: ingest and the API send chunks of suppliers; the score function consumes them. Settings from
 *   shared/queue/settings.ts (the local queue stand-in reads the same).
 * - `rescore`: one message per segment of a rescore run (the planner and the API start runs, a worker queues the
 *   rest of a segment it could not finish); the rescore worker consumes them. `RESCORE_QUEUE_SETTINGS`.
 * - `scenario`: one message per segment of a scenario job (the API starts jobs); the scenario worker consumes them.
 *   `SCENARIO_QUEUE_SETTINGS`.
 * - `recount`: one message per segment of a fanned-out portfolio recount (a table too large for one invocation); the
 *   recount function itself consumes them. `RECOUNT_QUEUE_SETTINGS`.
 * - `notify`: change events from the stage's event bus (its rule's target) and `deliver` messages (one attempt of a
 *   webhook delivery, from the notifier and the API); the notifier consumes them. `NOTIFY_QUEUE_SETTINGS`
 *   (shared/notify/settings.ts). EventBridge sends to it under the rule's own permission (infra/stacks/notify.ts).
 * - `scoreDlq`, `rescoreDlq`, `scenarioDlq`, `recountDlq`, `notifyDlq`: messages that failed `maxReceiveCount` times; inspect, fix, redrive
 *   (docs/operations.md). Each one's redrive allow policy lets only its own queue use it as a DLQ, so no other
 *   queue can mix its failures in.
 * - `failedInvocations`: asynchronous invocations of ingest and rescore that failed all their retries (Lambda
 *   on-failure destination) and schedule events EventBridge could not deliver (rule target DLQ). These arrive by
 *   SendMessage, never by a redrive policy, so its redrive allow policy denies every source queue.
 */
export class Queues extends Construct {
  readonly score: Queue;
  readonly scoreDlq: Queue;
  readonly rescore: Queue;
  readonly rescoreDlq: Queue;
  readonly scenario: Queue;
  readonly scenarioDlq: Queue;
  readonly recount: Queue;
  readonly recountDlq: Queue;
  readonly notify: Queue;
  readonly notifyDlq: Queue;
  readonly failedInvocations: Queue;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    if (QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * SCORE_FUNCTION_TIMEOUT_SECONDS)
      throw new Error('queue settings: the visibility timeout must be at least 6× the score function timeout');
    if (RESCORE_QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * RESCORE_WORKER_TIMEOUT_SECONDS)
      throw new Error('rescore queue settings: the visibility timeout must be at least 6× the worker timeout');
    if (SCENARIO_QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * SCENARIO_WORKER_TIMEOUT_SECONDS)
      throw new Error('scenario queue settings: the visibility timeout must be at least 6× the worker timeout');
    if (RECOUNT_QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * RECOUNT_FUNCTION_TIMEOUT_SECONDS)
      throw new Error('recount queue settings: the visibility timeout must be at least 6× the function timeout');
    if (NOTIFY_QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * NOTIFIER_TIMEOUT_SECONDS)
      throw new Error('notify queue settings: the visibility timeout must be at least 6× the notifier timeout');

    [this.score, this.scoreDlq] = this.redriven(
      'Score',
      scoreQueueName(props.prefix),
      QUEUE_SETTINGS,
      SCORE_QUEUE_RETENTION_DAYS,
    );
    [this.rescore, this.rescoreDlq] = this.redriven(
      'Rescore',
      rescoreQueueName(props.prefix),
      RESCORE_QUEUE_SETTINGS,
      RESCORE_QUEUE_RETENTION_DAYS,
    );
    [this.scenario, this.scenarioDlq] = this.redriven(
      'Scenario',
      scenarioQueueName(props.prefix),
      SCENARIO_QUEUE_SETTINGS,
      SCENARIO_QUEUE_SETTINGS.retentionDays,
    );
    [this.recount, this.recountDlq] = this.redriven(
      'Recount',
      recountQueueName(props.prefix),
      RECOUNT_QUEUE_SETTINGS,
      RECOUNT_QUEUE_SETTINGS.retentionDays,
    );
    [this.notify, this.notifyDlq] = this.redriven(
      'Notify',
      notifyQueueName(props.prefix),
      NOTIFY_QUEUE_SETTINGS,
      NOTIFY_QUEUE_SETTINGS.retentionDays,
    );
    this.failedInvocations = new Queue(this, 'FailedInvocations', {
      ...secure,
      retentionPeriod: Duration.days(14),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
    });

    // The DLQs meet CT.SQS.PR.1 by their redrive allow policies (byQueue: the rule knows they are DLQs).
    acknowledgeControl(
      this.failedInvocations,
      'CT.SQS.PR.1',
      'this queue is a dead-letter destination (Lambda on-failure destination, EventBridge target DLQ) that receives by SendMessage, so its redrive allow policy denies every queue, which the rule reads as no DLQ; a DLQ of a DLQ would only move the problem. Its depth alarms, and an operator re-runs its events (docs/operations.md).',
    );
    Validations.of(this.failedInvocations).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is a dead-letter destination itself (Lambda on-failure destination of ingest and rescore, DLQ of the rescore schedule target), which cdk-nag only recognises for redrive policies. Its depth alarms.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'A dead-letter destination has no redrive policy of its own: an operator inspects its failed events and re-runs them (docs/operations.md); its depth alarms.',
      },
    );
  }

  /**
   * A queue named `name` (construct `id`) and its DLQ (`{id}Dlq`). The DLQ must exist before the queue's redrive
   * policy can point at it, so it names its only source by an ARN built from the queue's fixed name, not by a
   * reference (which would make the two depend on each other).
   */
  private redriven(
    id: string,
    name: string,
    settings: RedrivenQueueSettings,
    retentionDays: number,
  ): [queue: Queue, dlq: Queue] {
    const arn = Stack.of(this).formatArn({ service: 'sqs', resource: name });
    const dlq = new Queue(this, `${id}Dlq`, {
      ...secure,
      retentionPeriod: Duration.days(settings.dlqRetentionDays),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, `${id}Source`, arn)],
      },
    });
    const queue = new Queue(this, id, {
      ...secure,
      queueName: name,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(retentionDays),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      deadLetterQueue: { queue: dlq, maxReceiveCount: settings.maxReceiveCount },
    });
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This queue is the ${name} queue's DLQ: a DLQ of a DLQ would only move the problem. An operator inspects and redrives its messages (docs/operations.md); its depth alarms.`,
    });
    return [queue, dlq];
  }
}

/**
 * The event source mapping of a queue's consumer, from the queue's settings (defined once in shared/): batches,
 * window, concurrency, and partial batch responses (a failed record is retried alone).
 */
export const queueEventSource = (
  queue: IQueue,
  settings: { batchSize: number; maxBatchingWindowSeconds: number; maxConcurrency: number },
) =>
  new SqsEventSource(queue, {
    batchSize: settings.batchSize,
    maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
    maxConcurrency: settings.maxConcurrency,
    reportBatchItemFailures: true,
  });
