import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import {
  notifyQueueName,
  recountQueueName,
  rescoreQueueName,
  scenarioQueueName,
  scoreQueueName,
} from '../../infra/stacks/queues.ts';
import { getAtt, resource, synth } from './synth.ts';

describe.each(['dev', 'prod'] as const)('redrive allow policies, %s', (stage) => {
  const s = synth({ stage });
  const {
    score,
    scoreDlq,
    rescore,
    rescoreDlq,
    scenario,
    scenarioDlq,
    recount,
    recountDlq,
    notify,
    notifyDlq,
    failedInvocations,
  } = s.stack.platform.queues;
  const prefix = STAGE_DEFAULTS[stage].prefix;
  const arnOf = (name: string) => ({
    'Fn::Join': [
      '',
      ['arn:', expect.anything(), ':sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${name}`],
    ],
  });

  it.each([
    ['score', score, scoreDlq, scoreQueueName(prefix), `${prefix}-score`],
    ['rescore', rescore, rescoreDlq, rescoreQueueName(prefix), `${prefix}-rescore`],
    ['scenario', scenario, scenarioDlq, scenarioQueueName(prefix), `${prefix}-scenario`],
    ['recount', recount, recountDlq, recountQueueName(prefix), `${prefix}-recount`],
    ['notify', notify, notifyDlq, notifyQueueName(prefix), `${prefix}-notify`],
  ] as const)(
    'the %s DLQ accepts dead letters from its queue only, named by ARN (no reference cycle)',
    (_name, queue, dlq, name, expected) => {
      expect(name).toBe(expected);
      expect(resource(s, queue).Properties.QueueName).toBe(name);
      expect(resource(s, queue).Properties.RedrivePolicy).toMatchObject({ deadLetterTargetArn: getAtt(s.id(dlq)) });
      const d = resource(s, dlq);
      expect(d.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [arnOf(name)] });
      // The DLQ is created first: nothing in it may refer to its queue's resource.
      expect(JSON.stringify(d)).not.toContain(s.id(queue));
    },
  );

  it('the failed-invocations queue is no queue’s DLQ: every source queue is denied', () => {
    expect(resource(s, failedInvocations).Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
  });

  it('only the six dead-letter destinations carry one', () => {
    const queues = Object.entries(s.template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(11);
    const withPolicy = queues.filter(([, q]) => q.Properties.RedriveAllowPolicy).map(([id]) => id);
    expect(withPolicy.sort()).toEqual(
      [
        s.id(scoreDlq),
        s.id(rescoreDlq),
        s.id(scenarioDlq),
        s.id(recountDlq),
        s.id(notifyDlq),
        s.id(failedInvocations),
      ].sort(),
    );
  });
});
