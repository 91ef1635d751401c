/**
 * The live-policy pieces as synthesized: the rescore queue and its DLQ, the rescore worker with its event source
 * mapping, all from `RESCORE_QUEUE_SETTINGS` and `RESCORE_WORKER_TIMEOUT_SECONDS` (shared/queue/settings.ts, which
 * the local runtime reads too), and their alarms, dashboard rows and outputs.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import { MAX_MESSAGE_SIZE_BYTES, RESCORE_QUEUE_RETENTION_DAYS } from '../../infra/stacks/queues.ts';
import { RESCORE_QUEUE_SETTINGS, RESCORE_WORKER_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { getAtt, ref, resource, synth } from './synth.ts';

const DAY = 86_400;

describe.each(['dev', 'prod'] as const)('rescore queue, DLQ and worker, %s', (stage) => {
  const s = synth({ stage });
  const { rescore, rescoreDlq } = s.stack.platform.queues;
  const worker = s.stack.pipeline.rescoreWorker;
  const mapping = () => {
    const found = Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(getAtt(s.id(rescore))),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties as Record<string, unknown>;
  };

  it('the settings are AWS’s guidance: one segment per invocation, visibility 6× the worker timeout', () => {
    expect(RESCORE_QUEUE_SETTINGS).toMatchObject({
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxReceiveCount: 5,
      maxConcurrency: 8,
      dlqRetentionDays: 14,
    });
    expect(RESCORE_WORKER_TIMEOUT_SECONDS).toBe(900);
    expect(RESCORE_QUEUE_SETTINGS.visibilityTimeoutSeconds).toBe(6 * RESCORE_WORKER_TIMEOUT_SECONDS);
  });

  it('the queue: the shared visibility timeout and maxReceiveCount, redriven to its DLQ, encrypted, TLS only', () => {
    const q = resource(s, rescore).Properties;
    expect(q).toMatchObject({
      QueueName: `${STAGE_DEFAULTS[stage].prefix}-rescore`,
      VisibilityTimeout: RESCORE_QUEUE_SETTINGS.visibilityTimeoutSeconds,
      MessageRetentionPeriod: RESCORE_QUEUE_RETENTION_DAYS * DAY,
      MaximumMessageSize: MAX_MESSAGE_SIZE_BYTES,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(s.id(rescoreDlq)),
        maxReceiveCount: RESCORE_QUEUE_SETTINGS.maxReceiveCount,
      },
    });
    expect(q.VisibilityTimeout as number).toBeGreaterThanOrEqual(
      6 * (resource(s, worker.fn).Properties.Timeout as number),
    );
    const d = resource(s, rescoreDlq).Properties;
    expect(d).toMatchObject({
      MessageRetentionPeriod: RESCORE_QUEUE_SETTINGS.dlqRetentionDays * DAY,
      SqsManagedSseEnabled: true,
    });
    // A message's retention counts from its first send, also in the DLQ: the DLQ must keep it longer.
    expect(RESCORE_QUEUE_SETTINGS.dlqRetentionDays).toBeGreaterThan(RESCORE_QUEUE_RETENTION_DAYS);
    for (const queue of [rescore, rescoreDlq])
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(s.id(queue))],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
  });

  it('the event source mapping: the shared batch size, window and concurrency, with partial batch responses', () => {
    expect(mapping()).toEqual({
      EventSourceArn: getAtt(s.id(rescore)),
      FunctionName: ref(s.id(worker.fn)),
      BatchSize: RESCORE_QUEUE_SETTINGS.batchSize,
      MaximumBatchingWindowInSeconds: RESCORE_QUEUE_SETTINGS.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: RESCORE_QUEUE_SETTINGS.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Tags: expect.anything(),
    });
  });

  it('the worker: the shared timeout, memory of the stage, reserved concurrency equal to maxConcurrency', () => {
    expect(resource(s, worker.fn).Properties).toMatchObject({
      FunctionName: `${STAGE_DEFAULTS[stage].prefix}-rescore-worker`,
      Timeout: RESCORE_WORKER_TIMEOUT_SECONDS,
      MemorySize: STAGE_DEFAULTS[stage].memoryMb.rescoreWorker,
      ReservedConcurrentExecutions: RESCORE_QUEUE_SETTINGS.maxConcurrency,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: ref(s.id(worker.logGroup)) },
    });
    expect(STAGE_DEFAULTS[stage].reservedConcurrency.rescoreWorker).toBe(RESCORE_QUEUE_SETTINGS.maxConcurrency);
    expect(resource(s, worker.logGroup).Properties.RetentionInDays).toBe(STAGE_DEFAULTS[stage].logRetentionDays);
    // Only the queue invokes it: no asynchronous configuration, no other permission.
    const configs = Object.values(s.template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(JSON.stringify(configs)).not.toContain(s.id(worker.fn));
    const permissions = Object.values(s.template.findResources('AWS::Lambda::Permission'));
    expect(JSON.stringify(permissions)).not.toContain(s.id(worker.fn));
  });

  it('alarms: a segment in the DLQ, a segment waiting too long, and the worker’s errors and throttles', () => {
    const alarms = Object.fromEntries(
      Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
        a.Properties.AlarmName as string,
        a.Properties as Record<string, unknown>,
      ]),
    );
    const p = STAGE_DEFAULTS[stage].prefix;
    const queue = (q: typeof rescore) => [{ Name: 'QueueName', Value: getAtt(s.id(q), 'QueueName') }];
    expect(alarms[`${p}-rescore-dlq-messages`]).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: queue(rescoreDlq),
      Threshold: 1,
      EvaluationPeriods: 1,
      AlarmDescription: expect.stringMatching(/#alarm-rescore-dlq-messages$/),
    });
    expect(alarms[`${p}-rescore-oldest-message`]).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: queue(rescore),
      Threshold: STAGE_DEFAULTS[stage].rescoreOldestMessageAlarmSeconds,
      EvaluationPeriods: 5,
      AlarmDescription: expect.stringMatching(/#alarm-rescore-oldest-message$/),
    });
    for (const metric of ['Errors', 'Throttles'])
      expect(alarms[`${p}-rescore-worker-${metric.toLowerCase()}`]).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: ref(s.id(worker.fn)) }],
        Threshold: 1,
      });
  });

  it('outputs name the queue, the DLQ (URL and ARN, for a redrive) and the worker', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.RescoreQueueUrl?.Value).toEqual(ref(s.id(rescore)));
    expect(outputs.RescoreDlqUrl?.Value).toEqual(ref(s.id(rescoreDlq)));
    expect(outputs.RescoreDlqArn?.Value).toEqual(getAtt(s.id(rescoreDlq)));
    expect(outputs.RescoreWorkerFunctionName?.Value).toEqual(ref(s.id(worker.fn)));
  });
});

describe('rescore alarm threshold', () => {
  it('leaves room for two full runs of segments ahead of one, each as long as the worker may run', () => {
    const waves = Math.ceil((2 * 32) / RESCORE_QUEUE_SETTINGS.maxConcurrency);
    for (const stage of ['dev', 'prod'] as const)
      expect(STAGE_DEFAULTS[stage].rescoreOldestMessageAlarmSeconds).toBeGreaterThanOrEqual(
        (waves - 1) * RESCORE_WORKER_TIMEOUT_SECONDS,
      );
    const s = synth({ stage: 'dev', mineralRisk: { dev: { rescoreOldestMessageAlarmSeconds: 3600 } } });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'mineral-risk-dev-rescore-oldest-message',
      Threshold: 3600,
    });
  });
});
