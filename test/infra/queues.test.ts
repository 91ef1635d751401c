import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import { scoreQueueName } from '../../infra/stacks/queues.ts';
import { getAtt, resource, synth } from './synth.ts';

describe.each(['dev', 'prod'] as const)('redrive allow policies, %s', (stage) => {
  const s = synth({ stage });
  const { score, scoreDlq, failedInvocations } = s.stack.platform.queues;
  const scoreArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        expect.anything(),
        ':sqs:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${scoreQueueName(STAGE_DEFAULTS[stage].prefix)}`,
      ],
    ],
  };

  it('the score DLQ accepts dead letters from the score queue only, named by ARN (no reference cycle)', () => {
    expect(resource(s, score).Properties.QueueName).toBe(`${STAGE_DEFAULTS[stage].prefix}-score`);
    expect(resource(s, score).Properties.RedrivePolicy).toMatchObject({ deadLetterTargetArn: getAtt(s.id(scoreDlq)) });
    const dlq = resource(s, scoreDlq);
    expect(dlq.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [scoreArn] });
    // The DLQ is created first: nothing in it may refer to the score queue's resource.
    expect(JSON.stringify(dlq)).not.toContain(s.id(score));
  });

  it('the failed-invocations queue is no queue’s DLQ: every source queue is denied', () => {
    expect(resource(s, failedInvocations).Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
  });

  it('only the two dead-letter destinations carry one', () => {
    const queues = Object.entries(s.template.findResources('AWS::SQS::Queue'));
    const withPolicy = queues.filter(([, q]) => q.Properties.RedriveAllowPolicy).map(([id]) => id);
    expect(withPolicy.sort()).toEqual([s.id(scoreDlq), s.id(failedInvocations)].sort());
  });
});
