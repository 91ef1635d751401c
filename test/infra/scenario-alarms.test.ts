/** The scenario queue's alarms: a dead-lettered segment, and segments waiting far longer than healthy jobs make them. */
import { describe, expect, it } from 'vitest';
import { STAGE_DEFAULTS } from '../../infra/config.ts';
import { SCENARIO } from '../../shared/pipeline/scenario-job.ts';
import { SCENARIO_QUEUE_SETTINGS, SCENARIO_WORKER_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { getAtt, synth } from './synth.ts';

describe.each(['dev', 'prod'] as const)('scenario queue alarms, %s', (stage) => {
  const s = synth({ stage });
  const { scenario } = s.stack.platform.queues;
  const p = STAGE_DEFAULTS[stage].prefix;
  const alarms = Object.fromEntries(
    Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
      a.Properties.AlarmName as string,
      a.Properties as Record<string, unknown>,
    ]),
  );

  it('alarm on the oldest segment after 5 minutes above the stage threshold, with its runbook', () => {
    expect(alarms[`${p}-scenario-oldest-message`]).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(s.id(scenario), 'QueueName') }],
      Threshold: STAGE_DEFAULTS[stage].scenarioOldestMessageAlarmSeconds,
      EvaluationPeriods: 5,
      AlarmDescription: expect.stringMatching(/#alarm-scenario-oldest-message$/),
    });
  });

  it('leave room for a healthy job: its last wave of segments waits behind the others, each a whole worker turn', () => {
    const waves = Math.ceil(SCENARIO.segments / SCENARIO_QUEUE_SETTINGS.maxConcurrency);
    expect(STAGE_DEFAULTS[stage].scenarioOldestMessageAlarmSeconds).toBeGreaterThanOrEqual(
      (waves - 1) * SCENARIO_WORKER_TIMEOUT_SECONDS,
    );
  });
});
