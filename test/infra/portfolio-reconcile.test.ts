/**
 * The portfolio recount as synthesized (infra/stacks/portfolio-reconcile.ts): its daily schedule with retries and a
 * DLQ for undelivered events, its failed invocations recorded, and a role that may write aggregate items only.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_PARTITIONS } from '../../shared/store/keys.ts';
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

  it('may scan and read the table, and write only in the aggregates’ partitions', () => {
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
    expect(unconditioned).toEqual(['dynamodb:GetItem', 'dynamodb:Scan']);
    const writes = dynamo.filter((st) => st.Condition !== undefined);
    expect(writes.flatMap(actions).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    for (const st of writes)
      expect(st.Condition).toMatchObject({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...AGGREGATE_PARTITIONS] },
      });
    expect(dynamo.flatMap(actions)).not.toContain('dynamodb:UpdateItem');
  });
});
