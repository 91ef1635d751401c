import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_SETTINGS, SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { acknowledgeControl } from './control-tower.ts';

/** SQS's message size limit this system is built for (shared/queue/settings.ts aims each message far below it). */
export const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;
/** Score messages wait at most this long before SQS drops them (the DLQ keeps failed ones 14 days). */
export const SCORE_QUEUE_RETENTION_DAYS = 4;

const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;

/** The score queue's fixed name, so the DLQ's redrive allow policy can name it without a circular reference. */
export const scoreQueueName = (prefix: string) => `${prefix}-score`;

export interface QueuesProps {
  /** The stage prefix (`config.prefix`): the score queue is `{prefix}-score`. */
  prefix: string;
}

/**
 * The queues of the pipeline, all with SSE-SQS encryption and a policy that denies requests without TLS:
 * - `score`: ingest and rescore send chunks of suppliers; the score function consumes them. Settings from
 *   shared/queue/settings.ts (the local queue stand-in reads the same).
 * - `scoreDlq`: messages that failed `maxReceiveCount` times; inspect, fix, redrive (docs/operations.md). Its redrive
 *   allow policy lets only the score queue use it as a DLQ, so no other queue can mix its failures in.
 * - `failedInvocations`: asynchronous invocations of ingest and rescore that failed all their retries (Lambda
 *   on-failure destination) and schedule events EventBridge could not deliver (rule target DLQ). These arrive by
 *   SendMessage, never by a redrive policy, so its redrive allow policy denies every source queue.
 */
export class Queues extends Construct {
  readonly score: Queue;
  readonly scoreDlq: Queue;
  readonly failedInvocations: Queue;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    if (QUEUE_SETTINGS.visibilityTimeoutSeconds < 6 * SCORE_FUNCTION_TIMEOUT_SECONDS)
      throw new Error('queue settings: the visibility timeout must be at least 6× the score function timeout');

    // The DLQ must exist before the score queue's redrive policy can point at it, so it names its source by an ARN
    // built from the score queue's fixed name, not by a reference (which would make the two depend on each other).
    const scoreName = scoreQueueName(props.prefix);
    const scoreArn = Stack.of(this).formatArn({ service: 'sqs', resource: scoreName });
    this.scoreDlq = new Queue(this, 'ScoreDlq', {
      ...secure,
      retentionPeriod: Duration.days(QUEUE_SETTINGS.dlqRetentionDays),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, 'ScoreSource', scoreArn)],
      },
    });
    this.score = new Queue(this, 'Score', {
      ...secure,
      queueName: scoreName,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(SCORE_QUEUE_RETENTION_DAYS),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      deadLetterQueue: { queue: this.scoreDlq, maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount },
    });
    this.failedInvocations = new Queue(this, 'FailedInvocations', {
      ...secure,
      retentionPeriod: Duration.days(14),
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
    });

    // The score DLQ meets CT.SQS.PR.1 by its redrive allow policy (byQueue: the rule knows it is a DLQ).
    acknowledgeControl(
      this.failedInvocations,
      'CT.SQS.PR.1',
      'this queue is a dead-letter destination (Lambda on-failure destination, EventBridge target DLQ) that receives by SendMessage, so its redrive allow policy denies every queue, which the rule reads as no DLQ; a DLQ of a DLQ would only move the problem. Its depth alarms, and an operator re-runs its events (docs/operations.md).',
    );
    Validations.of(this.scoreDlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is the score queue DLQ: a DLQ of a DLQ would only move the problem. An operator inspects and redrives its messages (docs/operations.md); its depth alarms.',
    });
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
}
