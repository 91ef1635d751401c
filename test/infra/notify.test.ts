/**
 * Change delivery in the stack (issue 10): the stage's event bus and its archive, the rule to the notify queue, the
 * queue and its DLQ, the notifier on it, and least privilege — only the writers of change records may put events,
 * only on this bus and only for this system's source; the notifier touches only webhook items and its own queue.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import { WEBHOOK_PARTITIONS } from '../../infra/stacks/data-store.ts';
import { RULE_TARGET_RETRY } from '../../infra/stacks/notify.ts';
import { CHANGE_EVENT } from '../../shared/changes/events.ts';
import { NOTIFIER_TIMEOUT_SECONDS, NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import {
  conditioned,
  getAtt,
  partitionsCondition,
  permissions,
  permissionTable,
  type Resource,
  ref,
  resource,
  synth,
} from './synth.ts';

const s = synth({ stage: 'dev' });
const { bus, archive, rule, notifier } = s.stack.notifications;
const { notify, notifyDlq, failedInvocations } = s.stack.platform.queues;
const resources = () => s.template.toJSON().Resources as Record<string, Resource>;
const arn = (c: Parameters<typeof s.id>[0]) => JSON.stringify(getAtt(s.id(c)));

describe('the change event bus', () => {
  it('is the stage’s own custom bus, with an archive of this system’s events kept changeEventArchiveDays', () => {
    expect(resource(s, bus).Properties.Name).toBe('mineral-risk-dev-changes');
    expect(resource(s, archive).Properties).toMatchObject({
      ArchiveName: 'mineral-risk-dev-changes',
      SourceArn: getAtt(s.id(bus)),
      EventPattern: { source: [CHANGE_EVENT.source] },
      RetentionDays: STAGE_DEFAULTS.dev.changeEventArchiveDays,
    });
    const longer = synth({ stage: 'dev', mineralRisk: { dev: { changeEventArchiveDays: 90 } } });
    expect(resource(longer, longer.stack.notifications.archive).Properties.RetentionDays).toBe(90);
    expect(resource(synth({ stage: 'prod' }), synth({ stage: 'prod' }).stack.notifications.bus).Properties.Name).toBe(
      'mineral-risk-prod-changes',
    );
  });

  it('has one rule: SupplierRiskChanged from this system → the notify queue, retried a day, then the failed-invocations queue', () => {
    const rules = Object.values(resources()).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventBusName) === JSON.stringify(ref(s.id(bus))),
    );
    expect(rules).toHaveLength(1);
    expect(resource(s, rule).Properties).toMatchObject({
      EventBusName: ref(s.id(bus)),
      EventPattern: { source: [CHANGE_EVENT.source], 'detail-type': [CHANGE_EVENT.detailType] },
      State: 'ENABLED',
      Targets: [
        {
          Arn: getAtt(s.id(notify)),
          DeadLetterConfig: { Arn: getAtt(s.id(failedInvocations)) },
          RetryPolicy: {
            MaximumRetryAttempts: RULE_TARGET_RETRY.attempts,
            MaximumEventAgeInSeconds: RULE_TARGET_RETRY.maxEventAge.toSeconds(),
          },
        },
      ],
    });
    // The whole event is the message (no input transformer): the notifier reads EventBridge's envelope.
    expect(JSON.stringify(resource(s, rule).Properties.Targets)).not.toMatch(/Input/);
  });
});

describe('the notify queue', () => {
  it('is encrypted (SSE-SQS, as the other queues), denies requests without TLS, and redrives to its DLQ', () => {
    const q = resource(s, notify).Properties;
    expect(q).toMatchObject({
      QueueName: 'mineral-risk-dev-notify',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: NOTIFY_QUEUE_SETTINGS.visibilityTimeoutSeconds,
      MessageRetentionPeriod: NOTIFY_QUEUE_SETTINGS.retentionDays * 86_400,
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(s.id(notifyDlq)),
        maxReceiveCount: NOTIFY_QUEUE_SETTINGS.maxReceiveCount,
      },
    });
    expect(q.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * NOTIFIER_TIMEOUT_SECONDS);
    expect(resource(s, notifyDlq).Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: NOTIFY_QUEUE_SETTINGS.dlqRetentionDays * 86_400,
    });
  });

  it('lets EventBridge send to it for this rule only (aws:SourceArn), and nobody without TLS', () => {
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(s.id(notify))],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(s.id(rule)) } },
          }),
        ]),
      },
    });
    const policies = Object.values(resources()).filter(
      (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(s.id(notify)),
    );
    const allows = policies.flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: { Effect: string; Principal: unknown }[] }).Statement.filter(
        (st) => st.Effect === 'Allow',
      ),
    );
    expect(allows.map((st) => st.Principal)).toEqual([{ Service: 'events.amazonaws.com' }]);
  });
});

describe('the notifier', () => {
  it('consumes the notify queue with partial batch responses and the shared settings', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(s.id(notify)),
      FunctionName: ref(s.id(notifier.fn)),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: NOTIFY_QUEUE_SETTINGS.batchSize,
      MaximumBatchingWindowInSeconds: NOTIFY_QUEUE_SETTINGS.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: NOTIFY_QUEUE_SETTINGS.maxConcurrency },
    });
    expect(resource(s, notifier.fn).Properties).toMatchObject({
      FunctionName: 'mineral-risk-dev-notifier',
      Timeout: NOTIFIER_TIMEOUT_SECONDS,
      MemorySize: STAGE_DEFAULTS.dev.memoryMb.notifier,
      ReservedConcurrentExecutions: NOTIFY_QUEUE_SETTINGS.maxConcurrency,
      Environment: {
        Variables: expect.objectContaining({
          TABLE_NAME: ref(s.id(s.stack.platform.data.table)),
          NOTIFY_QUEUE_URL: ref(s.id(notify)),
          WEBHOOK_MODE: 'aws',
        }),
      },
    });
  });

  it('may read and write webhook items only, send to and consume its own queue, and nothing else', () => {
    const webhookItems = conditioned(arn(s.stack.platform.data.table), partitionsCondition(...WEBHOOK_PARTITIONS));
    expect(WEBHOOK_PARTITIONS).toEqual(['T#*#WH', 'T#*#WH#*']);
    const own = arn(notify);
    expect(permissionTable(permissions(s, s.id(notifier.role)))).toEqual({
      'dynamodb:GetItem': [webhookItems],
      'dynamodb:PutItem': [webhookItems],
      'dynamodb:Query': [webhookItems],
      'dynamodb:UpdateItem': [webhookItems],
      'logs:CreateLogStream': [arn(notifier.logGroup)],
      'logs:PutLogEvents': [arn(notifier.logGroup)],
      'sqs:ChangeMessageVisibility': [own],
      'sqs:DeleteMessage': [own],
      'sqs:GetQueueAttributes': [own],
      'sqs:GetQueueUrl': [own],
      'sqs:ReceiveMessage': [own],
      'sqs:SendMessage': [own],
      'xray:PutTelemetryRecords': ['"*"'],
      'xray:PutTraceSegments': ['"*"'],
    });
  });
});

describe('who may put change events', () => {
  it('the score function, the rescore worker and the API, on this bus only, for this system’s source only', () => {
    const statements = Object.values(resources())
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) =>
        (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.map((st) => ({
          roles: p.Properties.Roles as unknown[],
          st,
        })),
      )
      .filter(({ st }) => JSON.stringify(st.Action).includes('events:'));
    const roles = statements.flatMap(({ roles }) => roles.map((r) => JSON.stringify(r))).sort();
    const { score, rescoreWorker } = s.stack.pipeline;
    expect(roles).toEqual(
      [score.role, rescoreWorker.role, s.stack.api.function.role].map((r) => JSON.stringify(ref(s.id(r)))).sort(),
    );
    for (const { st } of statements)
      expect(st).toEqual({
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: getAtt(s.id(bus)),
        Condition: { StringEquals: { 'events:source': CHANGE_EVENT.source } },
      });
    for (const f of [score, rescoreWorker, s.stack.api.function])
      expect((resource(s, f.fn).Properties.Environment as { Variables: object }).Variables).toMatchObject({
        CHANGE_EVENT_BUS_NAME: ref(s.id(bus)),
        CHANGE_EVENT_MIN_POINTS: String(CHANGE_EVENT.defaultMinPoints),
      });
  });

  it('the smallest move that is an event is a stage setting', () => {
    const c = synth({ stage: 'dev', mineralRisk: { dev: { changeEventMinPoints: 2.5 } } });
    expect(
      (resource(c, c.stack.pipeline.score.fn).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables.CHANGE_EVENT_MIN_POINTS,
    ).toBe('2.5');
  });

  it('alarms: notify DLQ, oldest notify message, dead deliveries in an hour, notifier errors and throttles', () => {
    const alarms = Object.values(resources()).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const named = (n: string) => alarms.find((a) => a.Properties.AlarmName === `mineral-risk-dev-${n}`)?.Properties;
    expect(named('notify-dlq-messages')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(s.id(notifyDlq), 'QueueName') }],
      Threshold: 1,
    });
    expect(named('dead-deliveries')).toMatchObject({
      MetricName: 'DeliveriesDead',
      Period: 3600,
      Statistic: 'Sum',
      Threshold: STAGE_DEFAULTS.dev.deadDeliveriesAlarmCount,
    });
    expect(named('notify-oldest-message')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: STAGE_DEFAULTS.dev.notifyOldestMessageAlarmSeconds,
    });
    for (const n of ['notifier-errors', 'notifier-throttles'])
      expect(named(n)).toMatchObject({ Dimensions: [{ Name: 'FunctionName', Value: ref(s.id(notifier.fn)) }] });
  });
});
