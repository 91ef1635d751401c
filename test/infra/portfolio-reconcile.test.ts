/**
 * The portfolio recount as synthesized (infra/stacks/portfolio-reconcile.ts): its daily schedule with retries and a
 * DLQ for undelivered events, its failed invocations recorded, a role that may write aggregate and recount-run items
 * only, and its recount queue (a large table's segments) with a DLQ that alarms.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECOUNT_QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { AGGREGATE_PARTITIONS, RECOUNT_RUN_PARTITIONS } from '../../shared/store/keys.ts';
import { getAtt, resource, synth } from './synth.ts';

describe('portfolio recount', () => {
  const s = synth({ stage: 'dev' });
  const { reconcile, schedule } = s.stack.portfolio;

  it('runs daily after the rescore runs, with retries and a DLQ for undelivered events', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: Match.stringLikeRegexp('^cron\\('),
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: getAtt(s.id(reconcile.fn)),
          DeadLetterConfig: { Arn: getAtt(s.id(s.stack.platform.queues.failedInvocations)) },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: getAtt(s.id(reconcile.fn)),
      SourceArn: getAtt(s.id(schedule)),
    });
    expect(resource(s, reconcile.fn).Properties.Timeout).toBe(900);
  });

  it('may scan and read the table, write only in the aggregates’ and recount runs’ partitions, and count the table', () => {
    const policies = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as unknown[]).some(
        (r) => JSON.stringify(r) === JSON.stringify({ Ref: s.id(reconcile.role) }),
      ),
    );
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[],
    );
    const actions = (st: { Action: string | string[] }) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
    const dynamo = statements.filter((st) => actions(st).some((a) => a.startsWith('dynamodb:')));
    const unconditioned = dynamo
      .filter((st) => st.Condition === undefined)
      .flatMap(actions)
      .sort();
    expect(unconditioned).toEqual(['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Scan']);
    const conditioned = dynamo.filter((st) => st.Condition !== undefined);
    const on = (partitions: readonly string[]) =>
      conditioned
        .filter((st) => JSON.stringify(st.Condition).includes(JSON.stringify([...partitions])))
        .flatMap(actions)
        .sort();
    expect(on(AGGREGATE_PARTITIONS)).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    // Its runs' progress and partials (shared/store/portfolio-recount-runs.ts): nothing else is updated.
    expect(on(RECOUNT_RUN_PARTITIONS)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(conditioned.flatMap(actions)).toHaveLength(7);
    const sqs = statements.filter((st) => actions(st).some((a) => a.startsWith('sqs:'))).flatMap(actions);
    expect(sqs).toContain('sqs:SendMessage');
  });

  it('consumes its recount queue one segment at a time, with partial batch responses; the queue has a DLQ that alarms', () => {
    const { recount, recountDlq } = s.stack.platform.queues;
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(s.id(recount)),
      FunctionName: { Ref: s.id(reconcile.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: RECOUNT_QUEUE_SETTINGS.batchSize,
      ScalingConfig: { MaximumConcurrency: RECOUNT_QUEUE_SETTINGS.maxConcurrency },
    });
    const queue = resource(s, recount).Properties;
    expect(queue.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: getAtt(s.id(recountDlq)),
      maxReceiveCount: RECOUNT_QUEUE_SETTINGS.maxReceiveCount,
    });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * (resource(s, reconcile.fn).Properties.Timeout as number),
    );
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const dlqAlarm = alarms.find((a) => a.AlarmName === 'mineral-risk-dev-recount-dlq-messages');
    expect(dlqAlarm).toMatchObject({
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: getAtt(s.id(recountDlq), 'QueueName') }],
    });
    expect(alarms.map((a) => a.AlarmName)).toContain('mineral-risk-dev-recount-oldest-message');
    const env = resource(s, reconcile.fn).Properties.Environment as { Variables: Record<string, unknown> };
    expect(env.Variables.RECOUNT_QUEUE_URL).toEqual({ Ref: s.id(recount) });
  });
});
